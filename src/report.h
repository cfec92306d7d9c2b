/* report.h - zwatch report [options] FILE: post-mortem reports from a
 * trace recorded with zwatch -w FILE. */
#ifndef ZWATCH_REPORT_H
#define ZWATCH_REPORT_H

/* argv[0] is "report".  Returns the exit status: 0, 1 (unreadable or
 * damaged trace, write error), 2 (usage), 3 (leak, LEAKCHECK_EXIT). */
int report_main(int argc, char *argv[]);

#endif
