// The one inline script: hover tooltips for charts (a crosshair and the values at the nearest
// interval). Charts are plain SVG and read fine without it.
export const TOOLTIP_SCRIPT = `(function () {
  var tip = document.createElement('div');
  tip.className = 'tip';
  tip.hidden = true;
  document.body.appendChild(tip);
  function nearest(xs, x) {
    var lo = 0, hi = xs.length - 1;
    while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (xs[mid] < x) lo = mid; else hi = mid; }
    return Math.abs(xs[lo] - x) <= Math.abs(xs[hi] - x) ? lo : hi;
  }
  function text(tag, cls, value) { var el = document.createElement(tag); if (cls) el.className = cls; el.textContent = value; return el; }
  document.querySelectorAll('svg[data-hover]').forEach(function (svg) {
    var block = svg.parentNode.querySelector('script.chart-data');
    if (!block) return;
    var data = JSON.parse(block.textContent);
    var cross = svg.querySelector('.crosshair');
    if (!data.x.length) return;
    svg.addEventListener('pointermove', function (ev) {
      var pt = svg.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY;
      var local = pt.matrixTransform(svg.getScreenCTM().inverse());
      var i = nearest(data.x, local.x);
      cross.setAttribute('x1', data.x[i]); cross.setAttribute('x2', data.x[i]); cross.setAttribute('visibility', 'visible');
      tip.replaceChildren(text('div', 'tip-time', 't = ' + data.t[i]));
      data.s.forEach(function (s) {
        var line = text('div', 'tip-row', ' ' + s.l + ': ' + s.v[i]);
        var sw = text('span', 'swatch', ''); sw.style.setProperty('--c', s.c); line.prepend(sw);
        tip.appendChild(line);
      });
      tip.hidden = false;
      var x = Math.min(ev.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
      tip.style.left = x + 'px'; tip.style.top = (ev.clientY + 14) + 'px';
    });
    svg.addEventListener('pointerleave', function () { tip.hidden = true; cross.setAttribute('visibility', 'hidden'); });
  });
})();`;
