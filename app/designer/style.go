package designer

import _ "embed"

// css is the designer's own look, kept in a CSS file so that it reads, and
// is edited, as CSS; it is set by the embed directive and only read. Every
// rule is under a pd- class of the designer's panel or toolbar, never of
// an element that holds the preview, so none reaches the components;
// theirs are under .portico-root, which holds nothing of the designer's.
//
//go:embed style.css
var css string
