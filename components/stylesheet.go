package components

import (
	_ "embed"
	"strings"
)

// Stylesheet returns the components' CSS for a class prefix. It reads the
// theme's custom properties (theme.Theme.CSS), so a theme restyles it
// without touching a rule.
func Stylesheet(prefix string) string {
	return strings.NewReplacer(".P-", "."+prefix+"-", "--P-", "--"+prefix+"-", "#P-", "#"+prefix+"-").Replace(stylesheet)
}

// stylesheet is the components' CSS, kept in a CSS file so that it reads,
// and is edited, as CSS. Its classes, IDs and custom properties start with
// "P-", which Stylesheet replaces with the class prefix. It is set by the
// embed directive and only read.
//
// The type scale is 12 and 14 px, the theme's base, section and title
// sizes (15, 17 and 24 px by default) and 28 px for prices, in two weights:
// 400 and 600 (the theme's heading weight, 600 by default). A browser sets
// up each size and weight it paints before the first paint (on Linux, a
// font configuration lookup each), so the scale stays small: see
// docs/performance.md.
//
//go:embed stylesheet.css
var stylesheet string
