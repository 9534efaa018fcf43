// MathJax 3 (SVG output, no web fonts), vendored into the site at build time.
// Math is typeset once per page load; the site does not use instant navigation,
// so there is no re-typesetting of an already typeset page.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
  svg: { fontCache: "global" },
};
