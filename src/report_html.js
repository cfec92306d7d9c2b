// report_html.js - the script of zwatch's HTML report (sink_html.c embeds
// it).  It reads the records once from <script id="zw-data">, draws the
// overview (a minimap: drag to zoom the tree's timeline) and a virtualised
// process tree: only the rows in view exist in the DOM, so 30,000 or
// 300,000 processes load as fast as 30.  Strings of the trace reach the
// page only through textContent, never as HTML.
(function () {
'use strict';
var D = JSON.parse(document.getElementById('zw-data').textContent);
var P = D.p, N = P.length, END = Math.max(D.end, 1), THR = D.thr;
var PID = 0, PAR = 1, COMM = 2, BORN = 3, EXITED = 4, ZS = 5, REAPED = 6,
    ST = 7, BY = 8, BYROW = 9, REAPER = 10, FINAL = 11, ARGV = 12,
    SPAWN = 13, DIAG = 14, SEQ = 15, BYCOMM = 16;
var ROW_H = 20, MAX_GUIDES = 24;
var $ = function (id) { return document.getElementById(id); };

// ---- derived per row: zombie time, subtree span, what is worth seeing
var ztime = new Float64Array(N), send = new Int32Array(N),
    depth = new Int32Array(N), kids = new Int32Array(N),
    counts = new Uint8Array(N), below = new Uint8Array(N),
    folded = new Uint8Array(N), anyCounts = false;
for (var i = 0; i < N; i++) {
  var r = P[i], zs = r[ZS];
  ztime[i] = zs < 0 ? -1 : (r[REAPED] >= 0 ? r[REAPED] : D.end) - zs;
  counts[i] = r[FINAL] === 1 || (ztime[i] >= 0 && ztime[i] >= THR) ? 1 : 0;
  if (counts[i]) anyCounts = true;
  send[i] = i + 1;
  depth[i] = r[PAR] < 0 ? 0 : depth[r[PAR]] + 1;
  if (r[PAR] >= 0) kids[r[PAR]]++;
}
for (i = N - 1; i >= 0; i--) {
  var p = P[i][PAR];
  if (p < 0) continue;
  if (send[i] > send[p]) send[p] = send[i];
  if (counts[i] || below[i]) below[p] = 1;
}
// Folded by default where nothing inside passes the threshold; roots stay
// open when nothing anywhere does, so that the page is not one line.
for (i = 0; i < N; i++)
  folded[i] = kids[i] && !below[i] && !(P[i][PAR] < 0 && !anyCounts) ? 1 : 0;

// ---- words
function dur(us) {
  if (us < 0) return '-';
  if (us < 1000) return us + ' \u00b5s';
  if (us < 1e6) return (us / 1e3).toFixed(1) + ' ms';
  return (us / 1e6).toFixed(3) + ' s';
}
function secs(us) { return us < 0 ? '-' : (us / 1e6).toFixed(6) + ' s'; }
function status(r) {
  var s = r[ST];
  if (s === null) return 'status unknown';
  if (s >= 0) return 'exit ' + s;
  var core = s <= -1000, sig = core ? -s - 1000 : -s;
  return 'killed by ' + (D.sig[sig] || 'signal ' + sig) +
         (core ? ' (core dumped)' : '');
}
function name(row) { return row < 0 ? '?' : P[row][COMM] + ' ' + P[row][PID]; }
function fate(i) {
  var r = P[i];
  switch (r[FINAL]) {
  case 0: return 'running at the end';
  case 1: return 'STILL A ZOMBIE at the end (parent should reap it)';
  case 3: return 'autoreaped by the kernel at ' + secs(r[REAPED]);
  }
  if (r[REAPER] === 0) return 'reaped by unknown at ' + secs(r[REAPED]);
  return 'reaped by ' + (r[BYROW] >= 0 ? name(r[BYROW]) :
                        r[BYCOMM] ? r[BYCOMM] + ' ' + r[BY] : r[BY] || '?') +
         ' (' + D.reapers[r[REAPER]] + ') at ' + secs(r[REAPED]);
}

// ---- the view window of the timeline, in microseconds
var v0 = 0, v1 = END;
function setView(a, b) {
  v0 = Math.max(0, Math.min(a, b));
  v1 = Math.min(END, Math.max(a, b));
  if (v1 - v0 < 1) v1 = v0 + 1;
  $('range').textContent = v0 === 0 && v1 === END ? 'whole run, ' +
    secs(END) : 'showing ' + secs(v0) + ' to ' + secs(v1);
  drawOverview();
  drawAxis();
  render();
}

// ---- overview: three canvases, binned once
var W = 0, alive, zomb, exits, hist = new Float64Array(10),
    histHi = new Float64Array(10);
function binOf(t) { return Math.max(0, Math.min(W - 1, Math.floor(t / END * W))); }
function computeBins() {
  alive = new Float64Array(W + 1); zomb = new Float64Array(W + 1);
  exits = new Float64Array(W);
  for (var i = 0; i < N; i++) {
    var r = P[i], born = r[BORN] < 0 ? 0 : r[BORN],
        gone = r[REAPED] >= 0 ? r[REAPED] : END;
    alive[binOf(born)]++; alive[binOf(gone) + 1]--;
    if (counts[i]) { zomb[binOf(r[ZS])]++; zomb[binOf(gone) + 1]--; }
    if (r[EXITED] >= 0) exits[binOf(r[EXITED])]++;
    if (ztime[i] >= 0) {
      var d = Math.max(0, Math.min(9, Math.floor(Math.log10(Math.max(ztime[i], 1)))));
      hist[d]++;
      if (counts[i]) histHi[d]++;
    }
  }
  for (var x = 1; x <= W; x++) { alive[x] += alive[x - 1]; zomb[x] += zomb[x - 1]; }
}
function maxOf(a, n) { var m = 0; for (var i = 0; i < n; i++) if (a[i] > m) m = a[i]; return m; }
function shade(g, h) {
  if (v0 === 0 && v1 === END) return;
  g.fillStyle = 'rgba(0,0,0,0.12)';
  g.fillRect(0, 0, v0 / END * W, h);
  g.fillRect(v1 / END * W, 0, W, h);
}
function series(g, a, h, color, fill) {
  var m = maxOf(a, W) || 1;
  g.beginPath(); g.moveTo(0, h);
  for (var x = 0; x < W; x++) g.lineTo(x + 0.5, h - 2 - a[x] / m * (h - 14));
  g.lineTo(W, h);
  if (fill) { g.fillStyle = color; g.fill(); } else { g.strokeStyle = color; g.stroke(); }
  return m;
}
function label(g, text, x, y, color) {
  g.fillStyle = color; g.font = '11px sans-serif'; g.fillText(text, x, y);
}
function drawOverview() {
  var c = $('c-alive'), g = c.getContext('2d'), h = c.height;
  g.clearRect(0, 0, W, h);
  var mz = series(g, zomb, h, 'rgba(232,135,30,0.75)', true);
  var ma = series(g, alive, h, '#4a90d9', false);
  label(g, 'alive: up to ' + ma, 4, 11, '#2a70b9');
  label(g, 'zombies \u2265 ' + dur(THR) + ': up to ' + (anyCounts ? mz : 0),
        160, 11, '#b8670e');
  label(g, secs(END), W - 80, h - 4, '#777');
  shade(g, h);
  c = $('c-exits'); g = c.getContext('2d'); h = c.height;
  g.clearRect(0, 0, W, h);
  var me = maxOf(exits, W) || 1;
  g.fillStyle = '#2e9e4f';
  for (var x = 0; x < W; x++)
    if (exits[x]) g.fillRect(x, h - Math.max(1, exits[x] / me * (h - 14)), 1, h);
  label(g, 'exits: up to ' + (maxOf(exits, W)) + ' per ' + dur(Math.round(END / W)), 4, 11, '#1e7e3f');
  shade(g, h);
  drawHist();
}
function drawHist() {
  var c = $('c-hist'), g = c.getContext('2d'), h = c.height, bw = Math.min(80, W / 10);
  var m = maxOf(hist, 10) || 1, units = ['1\u00b5s', '10\u00b5s', '100\u00b5s',
    '1ms', '10ms', '100ms', '1s', '10s', '100s', '1000s'];
  g.clearRect(0, 0, W, h);
  for (var d = 0; d < 10; d++) {
    var y = (hist[d] / m) * (h - 30), yh = (histHi[d] / m) * (h - 30);
    g.fillStyle = '#bbb'; g.fillRect(d * bw + 4, h - 16 - y, bw - 8, y);
    g.fillStyle = '#e8871e'; g.fillRect(d * bw + 4, h - 16 - yh, bw - 8, yh);
    label(g, units[d], d * bw + 6, h - 3, '#555');
    if (hist[d]) label(g, String(hist[d]), d * bw + 6, h - 19 - y, '#333');
  }
  var tx = (Math.log10(Math.max(THR, 1))) * bw + 4;
  g.strokeStyle = '#c0392b'; g.beginPath(); g.moveTo(tx, 0); g.lineTo(tx, h - 14); g.stroke();
  label(g, 'threshold ' + dur(THR), tx + 3, 10, '#c0392b');
}
function minimap(c) {
  var x0 = -1;
  function tx(e) { return Math.max(0, Math.min(W, e.clientX - c.getBoundingClientRect().left)); }
  c.addEventListener('mousedown', function (e) { x0 = tx(e); e.preventDefault(); });
  c.addEventListener('mousemove', function (e) {
    if (x0 < 0) return;
    drawOverview();
    var g = c.getContext('2d'), x1 = tx(e);
    g.fillStyle = 'rgba(74,144,217,0.25)';
    g.fillRect(Math.min(x0, x1), 0, Math.abs(x1 - x0), c.height);
  });
  window.addEventListener('mouseup', function (e) {
    if (x0 < 0) return;
    var x1 = tx(e), a = x0; x0 = -1;
    if (Math.abs(x1 - a) < 3) { drawOverview(); return; }
    setView(Math.min(a, x1) / W * END, Math.max(a, x1) / W * END);
  });
}

// ---- the tree: the visible rows, the guides, the filter
var vis = new Int32Array(N), nvis = 0, lastKid = new Int32Array(N + 1),
    query = '', match = null, selected = -1, pinned = false, hay = null;
function hayOf(i) {
  var r = P[i];
  return (r[COMM] + '\u0001' + r[PID] + '\u0001' + (r[ARGV] || '') + '\u0001' +
          status(r)).toLowerCase();
}
function matches(i, q) {
  var r = P[i], m;
  if ((m = /^exit (\d+)$/.exec(q))) return r[ST] === +m[1];
  if (/^\d+$/.test(q) && r[PID] === +q) return true;
  if (!hay) { hay = new Array(N); }
  if (hay[i] === undefined) hay[i] = hayOf(i);
  return hay[i].indexOf(q) >= 0;
}
function rebuild() {
  nvis = 0;
  lastKid.fill(-1);
  if (query) {
    // matches and their ancestors, unfolded
    match = new Uint8Array(N);
    for (var i = N - 1; i >= 0; i--) {
      if (matches(i, query)) match[i] |= 1;
      if (match[i] && P[i][PAR] >= 0) match[P[i][PAR]] |= 2;
    }
    for (i = 0; i < N; i++) if (match[i]) vis[nvis++] = i;
  } else {
    match = null;
    for (i = 0; i < N; i = folded[i] ? send[i] : i + 1) {
      vis[nvis++] = i;
      if (folded[i]) continue;
    }
  }
  for (var k = 0; k < nvis; k++) {
    var p = P[vis[k]][PAR];
    lastKid[p < 0 ? N : p] = vis[k];
  }
  $('rows').style.height = nvis * ROW_H + 'px';
  $('count').textContent = nvis + ' of ' + N + ' processes shown' +
    (query ? ' (matches and their ancestors)' : ', subtrees with nothing past ' +
     dur(THR) + ' folded');
  render();
}
function isLast(i) { var p = P[i][PAR]; return lastKid[p < 0 ? N : p] === i; }
function guides(i) {
  var s = '', a = P[i][PAR], n = 0;
  while (a >= 0 && P[a][PAR] >= 0 && n < MAX_GUIDES) {
    s = (isLast(a) ? '   ' : '\u2502  ') + s;
    a = P[a][PAR]; n++;
  }
  if (a >= 0 && P[a][PAR] >= 0) s = '\u2026' + s;
  return depth[i] ? s + (isLast(i) ? '\u2514\u2500 ' : '\u251c\u2500 ') : '';
}
function span(cls, text) {
  var e = document.createElement('span');
  e.className = cls; e.textContent = text; return e;
}
function bar(tl, cls, a, b) {
  if (b < v0 || a > v1) return;
  var e = document.createElement('i'), w = v1 - v0;
  e.className = cls;
  e.style.left = (Math.max(a, v0) - v0) / w * 100 + '%';
  e.style.width = (Math.min(b, v1) - Math.max(a, v0)) / w * 100 + '%';
  tl.appendChild(e);
}
function bars(tl, i) {
  var r = P[i], born = r[BORN] < 0 ? 0 : r[BORN], zs = r[ZS],
      gone = r[REAPED] >= 0 ? r[REAPED] : END;
  if (!(r[BORN] < 0 && r[EXITED] < 0 && zs >= 0))
    bar(tl, 'run', born, zs >= 0 ? zs : END);
  if (zs >= 0)
    bar(tl, r[FINAL] === 1 ? 'leak' : counts[i] ? 'zombie' : 'brief', zs, gone);
  if (r[FINAL] >= 2) {
    var m = (gone - v0) / (v1 - v0) * 100;
    if (m >= 0 && m <= 100) {
      var e = document.createElement('i');
      e.className = D.finals[r[FINAL]];
      e.style.left = m + '%'; e.style.width = '2px'; e.style.top = '-4px';
      e.style.height = '18px';
      tl.appendChild(e);
    }
  }
}
function rowEl(k) {
  var i = vis[k], r = P[i], e = document.createElement('div'),
      lab = document.createElement('span'), tl = document.createElement('span');
  e.className = 'row' + (i === selected ? ' sel' : '');
  e.style.top = k * ROW_H + 'px';
  e.dataset.row = i;
  lab.className = 'lab';
  lab.appendChild(span('g', guides(i)));
  if (kids[i] && !query)
    lab.appendChild(span('tw', folded[i] ? '\u25b8 ' : '\u25be '));
  lab.appendChild(span(match && match[i] & 1 ? 'hit' : '', r[COMM] || '?'));
  lab.appendChild(span('dim', ' ' + r[PID] + (counts[i] ? ' zombie ' + dur(ztime[i]) : '') +
    (folded[i] && !query ? ' [+' + (send[i] - i - 1) + ']' : '') +
    (r[ARGV] ? '  ' + r[ARGV] : '')));
  tl.className = 'tl';
  bars(tl, i);
  e.appendChild(lab); e.appendChild(tl);
  return e;
}
var pending = false;
function render() {
  pending = false;
  var t = $('tree'), rows = $('rows'),
      k0 = Math.max(0, Math.floor(t.scrollTop / ROW_H) - 5),
      k1 = Math.min(nvis, k0 + Math.ceil(t.clientHeight / ROW_H) + 10);
  var frag = document.createDocumentFragment();
  for (var k = k0; k < k1; k++) frag.appendChild(rowEl(k));
  rows.textContent = '';
  rows.appendChild(frag);
}
function later() { if (!pending) { pending = true; requestAnimationFrame(render); } }
function drawAxis() {
  var a = $('axis'), w = v1 - v0, step = Math.pow(10, Math.floor(Math.log10(w / 8)));
  if (w / step > 16) step *= 5; else if (w / step > 8) step *= 2;
  a.textContent = '';
  for (var t = Math.ceil(v0 / step) * step; t <= v1; t += step) {
    var s = span('', secs(t).replace(/0+ s$/, ' s').replace(/\. s$/, ' s'));
    s.style.left = (t - v0) / w * 100 + '%';
    a.appendChild(s);
  }
}

// ---- details of a row
function details(i) {
  var r = P[i], L = [], d = r[DIAG];
  L.push(r[COMM] + ' (pid ' + r[PID] + ')');
  L.push('command: ' + (r[ARGV] || '(no exec seen: the program of its parent)'));
  // an untraced parent is known by name if it reaped this one (zwatch)
  L.push('parent: ' + (r[PAR] >= 0 ? name(r[PAR]) : r[BYCOMM] && r[REAPER] === 1 ?
                       r[BYCOMM] + ' ' + r[BY] + ' (not traced)' : 'not traced'));
  L.push('born ' + (r[BORN] < 0 ? 'before tracing' : secs(r[BORN])) +
         ', exited ' + secs(r[EXITED]) + (r[EXITED] >= 0 ? ', ' + status(r) : ''));
  if (ztime[i] >= 0)
    L.push('zombie for ' + dur(ztime[i]) + (counts[i] ? '' :
           ' (under ' + dur(THR) + ': reaped at once)'));
  L.push(fate(i));
  if (r[SPAWN]) L.push('forked at:\n  ' + D.s[r[SPAWN] - 1].join('\n  '));
  if (d) {
    L.push('diagnosed at ' + secs(d[0]) + ': ' + d[1]);
    if (d[3]) L.push('parent ' + d[2] + ' was at:\n  ' + D.s[d[3] - 1].join('\n  '));
  }
  var box = $('details');
  box.textContent = L.join('\n');
  box.style.display = 'block';
}
function rowOf(e) {
  while (e && e !== document && !(e.dataset && e.dataset.row)) e = e.parentNode;
  return e && e.dataset ? +e.dataset.row : -1;
}
function toggle(i) { folded[i] = folded[i] ? 0 : 1; rebuild(); }

// ---- going to a row: from a table's link, or #pSEQ in the address
function reveal(i, scroll) {
  for (var a = P[i][PAR]; a >= 0; a = P[a][PAR]) folded[a] = 0;
  if (query) { query = ''; $('filter').value = ''; }
  rebuild();
  for (var k = 0; k < nvis && vis[k] !== i; k++);
  var t = $('tree');
  t.scrollTop = Math.max(0, k * ROW_H - t.clientHeight / 3);
  selected = i; pinned = true;
  details(i);
  render();
  if (scroll) t.scrollIntoView({ block: 'nearest' });
}
function fromHash(e) {
  var h = decodeURIComponent(location.hash.slice(1)), m;
  h.split('&').forEach(function (part) {
    if ((m = /^p(\d+)$/.exec(part))) {
      for (var i = 0; i < N; i++) if (P[i][SEQ] === +m[1]) { reveal(i, !!e); break; }
    } else if ((m = /^filter=(.*)$/.exec(part))) {
      $('filter').value = m[1]; query = m[1].trim().toLowerCase(); rebuild();
    } else if ((m = /^zoom=([\d.]+)-([\d.]+)$/.exec(part))) {
      setView(+m[1] * 1e6, +m[2] * 1e6);
    }
  });
}

// ---- start
function start() {
  $('overview').hidden = false; $('treesec').hidden = false;
  var axis = document.createElement('div');
  axis.id = 'axis';
  axis.style.cssText = 'position:relative;height:16px;margin-left:410px;' +
    'margin-right:8px;font:11px sans-serif;color:#777';
  $('tree').parentNode.insertBefore(axis, $('tree'));
  W = Math.max(300, Math.min(1400, $('overview').clientWidth - 4));
  ['c-alive', 'c-exits', 'c-hist'].forEach(function (id) { $(id).width = W; });
  computeBins();
  minimap($('c-alive')); minimap($('c-exits'));
  $('reset').onclick = function () { setView(0, END); };
  $('tree').addEventListener('scroll', later);
  window.addEventListener('resize', later);
  $('rows').addEventListener('click', function (e) {
    var i = rowOf(e.target);
    if (i < 0) return;
    if (e.target.className === 'tw') { toggle(i); return; }
    pinned = !(pinned && selected === i); selected = i;
    if (pinned) details(i); else $('details').style.display = 'none';
    render();
  });
  $('rows').addEventListener('mouseover', function (e) {
    var i = rowOf(e.target);
    if (i >= 0 && !pinned) details(i);
  });
  $('tree').addEventListener('mouseleave', function () {
    if (!pinned) $('details').style.display = 'none';
  });
  var timer = 0;
  $('filter').addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      query = $('filter').value.trim().toLowerCase(); rebuild();
    }, 150);
  });
  $('expand').onclick = function () { folded.fill(0); rebuild(); };
  $('collapse').onclick = function () {
    for (var i = 0; i < N; i++) folded[i] = kids[i] && !below[i] ? 1 : 0;
    rebuild();
  };
  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a.pl');
    if (!a) return;
    e.preventDefault();
    history.replaceState(null, '', a.getAttribute('href'));
    fromHash(e);
  });
  window.addEventListener('hashchange', fromHash);
  rebuild();
  setView(0, END);
  fromHash();
  document.body.setAttribute('data-zwatch-rows', String(nvis));
  document.body.setAttribute('data-zwatch-ms', String(Math.round(performance.now())));
  document.body.setAttribute('data-zwatch-ready', '1');
}
start();
})();
