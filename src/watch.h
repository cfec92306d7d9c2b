/* watch.h - zwatch watch: the always-on zombie monitor (front end). */
#ifndef ZWATCH_WATCH_H
#define ZWATCH_WATCH_H

/* argv[0] is "watch".  Returns the exit status: 0 after a stop signal,
 * 1 if it could not start, 2 for a usage error. */
int watch_main(int argc, char *argv[]);

#endif
