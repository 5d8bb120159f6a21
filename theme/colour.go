package theme

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// rgba is a colour in sRGB, each channel from 0 to 1, with its opacity.
type rgba struct{ r, g, b, a float64 }

// parseColour reads a colour a theme accepts (see IsColour) into sRGB;
// false for one it cannot place, such as transparent or currentcolor, or
// a value that is not a colour.
func parseColour(v string) (rgba, bool) {
	v = strings.ToLower(strings.Trim(v, cssSpace))
	switch {
	case strings.HasPrefix(v, "#"):
		return parseHex(v)
	case strings.HasPrefix(v, "rgb"):
		return parseFunc(v, rgbChannels)
	case strings.HasPrefix(v, "hsl"):
		return parseFunc(v, hslChannels)
	}
	if h, ok := namedHex[v]; ok {
		return parseHex(h)
	}
	return rgba{}, false
}

// parseHex reads #rgb, #rgba, #rrggbb and #rrggbbaa.
func parseHex(v string) (rgba, bool) {
	if !hexColour.MatchString(v) {
		return rgba{}, false
	}
	d := v[1:]
	if len(d) <= 4 {
		var long strings.Builder
		for _, c := range d {
			long.WriteString(strings.Repeat(string(c), 2))
		}
		d = long.String()
	}
	ch := make([]float64, 0, 4)
	for i := 0; i < len(d); i += 2 {
		n, _ := strconv.ParseUint(d[i:i+2], 16, 8)
		ch = append(ch, float64(n)/255)
	}
	if len(ch) == 3 {
		ch = append(ch, 1)
	}
	return rgba{ch[0], ch[1], ch[2], ch[3]}, true
}

// parseFunc reads rgb(…), rgba(…), hsl(…) and hsla(…), with commas or
// spaces and an optional alpha after a comma or a slash; channels turns the
// first three numbers into sRGB.
func parseFunc(v string, channels func(args []string) (rgba, bool)) (rgba, bool) {
	open, end := strings.IndexByte(v, '('), strings.LastIndexByte(v, ')')
	if open < 0 || end < open {
		return rgba{}, false
	}
	args := strings.FieldsFunc(v[open+1:end], func(r rune) bool {
		return r == ',' || r == '/' || strings.ContainsRune(cssSpace, r)
	})
	if len(args) != 3 && len(args) != 4 {
		return rgba{}, false
	}
	c, ok := channels(args[:3])
	if !ok {
		return rgba{}, false
	}
	c.a = 1
	if len(args) == 4 {
		if c.a, ok = number(args[3], 1); !ok {
			return rgba{}, false
		}
	}
	return c, true
}

func rgbChannels(args []string) (rgba, bool) {
	var ch [3]float64
	for i, s := range args {
		n, ok := number(s, 255)
		if !ok {
			return rgba{}, false
		}
		ch[i] = clamp01(n / 255)
	}
	return rgba{r: ch[0], g: ch[1], b: ch[2]}, true
}

func hslChannels(args []string) (rgba, bool) {
	h, okH := strconv.ParseFloat(strings.TrimSuffix(args[0], "deg"), 64)
	s, okS := number(args[1], 1)
	l, okL := number(args[2], 1)
	if okH != nil || !okS || !okL {
		return rgba{}, false
	}
	return fromHSL(h, clamp01(s), clamp01(l)), true
}

// number reads a number, or a percentage of full.
func number(s string, full float64) (float64, bool) {
	if p, ok := strings.CutSuffix(s, "%"); ok {
		n, err := strconv.ParseFloat(p, 64)
		return n / 100 * full, err == nil
	}
	n, err := strconv.ParseFloat(s, 64)
	return n, err == nil
}

func clamp01(x float64) float64 { return math.Min(1, math.Max(0, x)) }

// over is c drawn over an opaque background.
func (c rgba) over(bg rgba) rgba {
	mix := func(f, b float64) float64 { return f*c.a + b*(1-c.a) }
	return rgba{mix(c.r, bg.r), mix(c.g, bg.g), mix(c.b, bg.b), 1}
}

// mixed is CSS's color-mix(in srgb, c share, with): each channel
// interpolated, the colours taken as opaque.
func (c rgba) mixed(share float64, with rgba) rgba {
	mix := func(a, b float64) float64 { return a*share + b*(1-share) }
	return rgba{mix(c.r, with.r), mix(c.g, with.g), mix(c.b, with.b), 1}
}

// luminance is WCAG's relative luminance of an opaque colour.
func (c rgba) luminance() float64 {
	lin := func(x float64) float64 {
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

// ratio is WCAG's contrast ratio between two opaque colours, from 1 to 21.
func ratio(a, b rgba) float64 {
	la, lb := a.luminance(), b.luminance()
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// hexString is the colour as #rrggbb, its opacity dropped.
func (c rgba) hexString() string {
	byteOf := func(x float64) int { return int(math.Round(clamp01(x) * 255)) }
	return fmt.Sprintf("#%02x%02x%02x", byteOf(c.r), byteOf(c.g), byteOf(c.b))
}

// hsl is the colour's hue (degrees), saturation and lightness (0 to 1).
func (c rgba) hsl() (h, s, l float64) {
	hi, lo := math.Max(c.r, math.Max(c.g, c.b)), math.Min(c.r, math.Min(c.g, c.b))
	l = (hi + lo) / 2
	d := hi - lo
	if d == 0 {
		return 0, 0, l
	}
	s = d / (1 - math.Abs(2*l-1))
	switch hi {
	case c.r:
		h = math.Mod((c.g-c.b)/d+6, 6)
	case c.g:
		h = (c.b-c.r)/d + 2
	default:
		h = (c.r-c.g)/d + 4
	}
	return h * 60, s, l
}

// fromHSL is the opaque colour of a hue (degrees), saturation and
// lightness (0 to 1).
func fromHSL(h, s, l float64) rgba {
	h = math.Mod(math.Mod(h, 360)+360, 360) / 60
	chroma := (1 - math.Abs(2*l-1)) * s
	x := chroma * (1 - math.Abs(math.Mod(h, 2)-1))
	var r, g, b float64
	switch int(h) {
	case 0:
		r, g = chroma, x
	case 1:
		r, g = x, chroma
	case 2:
		g, b = chroma, x
	case 3:
		g, b = x, chroma
	case 4:
		r, b = x, chroma
	default:
		r, b = chroma, x
	}
	m := l - chroma/2
	return rgba{r + m, g + m, b + m, 1}
}

// namedHex are the colour names IsColour accepts, with their sRGB values
// as CSS Color defines them (transparent and currentcolor have none).
var namedHex = map[string]string{
	"black": "#000000", "white": "#ffffff", "gray": "#808080", "grey": "#808080", "silver": "#c0c0c0",
	"red": "#ff0000", "maroon": "#800000", "orange": "#ffa500", "yellow": "#ffff00", "olive": "#808000",
	"lime": "#00ff00", "green": "#008000", "teal": "#008080", "aqua": "#00ffff", "cyan": "#00ffff",
	"blue": "#0000ff", "navy": "#000080", "fuchsia": "#ff00ff", "magenta": "#ff00ff", "purple": "#800080",
	"pink": "#ffc0cb", "indigo": "#4b0082", "violet": "#ee82ee", "gold": "#ffd700", "brown": "#a52a2a",
	"coral": "#ff7f50", "crimson": "#dc143c", "tomato": "#ff6347", "salmon": "#fa8072", "khaki": "#f0e68c",
	"beige": "#f5f5dc", "ivory": "#fffff0", "lavender": "#e6e6fa", "plum": "#dda0dd", "orchid": "#da70d6",
	"turquoise": "#40e0d0", "tan": "#d2b48c", "chocolate": "#d2691e", "firebrick": "#b22222",
	"darkblue": "#00008b", "darkgreen": "#006400", "darkred": "#8b0000", "darkgray": "#a9a9a9",
	"darkgrey": "#a9a9a9", "lightgray": "#d3d3d3", "lightgrey": "#d3d3d3", "lightblue": "#add8e6",
	"lightgreen": "#90ee90", "whitesmoke": "#f5f5f5", "gainsboro": "#dcdcdc", "slategray": "#708090",
	"slategrey": "#708090", "dimgray": "#696969", "dimgrey": "#696969", "rebeccapurple": "#663399",
	"royalblue": "#4169e1", "steelblue": "#4682b4", "dodgerblue": "#1e90ff", "deepskyblue": "#00bfff",
	"skyblue": "#87ceeb", "seagreen": "#2e8b57", "forestgreen": "#228b22", "mediumseagreen": "#3cb371",
	"goldenrod": "#daa520", "hotpink": "#ff69b4", "deeppink": "#ff1493",
}
