package designer

import _ "embed"

// css is the designer's own look, kept in a CSS file so that it reads, and
// is edited, as CSS; it is set by the embed directive and only read. Every
// rule is under a pd- class of the designer's panel or toolbar, never of
// an element that holds the preview, so none reaches the components;
// theirs are under .portico-root, which holds nothing of the designer's.
// (The file has no comments, which the check of its selectors would read
// as selectors: on a narrow screen, .pd-panel *'s scroll margin brings a
// control the keyboard reaches below the sticky preview rather than under
// it, WCAG 2.4.11.)
//
//go:embed style.css
var css string
