package theme

import (
	"errors"
	"strings"
	"testing"

	portico "github.com/portico-dev/portico"
)

func TestCSSCarriesEveryVariableWithThePrefix(t *testing.T) {
	th := Theme{Mode: "auto", Palette: Palette{Primary: "#ff0066"}, Radius: "4px", CustomCSS: ".x-plan { outline: 1px solid red; }"}
	css := th.CSS("x")
	for _, want := range []string{".x-root {", "--x-primary: #ff0066;", "--x-radius: 4px;",
		"--x-surface: #ffffff;", "@media (prefers-color-scheme: dark)", "--x-surface: #121a2f;", ".x-plan { outline: 1px solid red; }"} {
		if !strings.Contains(css, want) {
			t.Errorf("CSS lacks %q:\n%s", want, css)
		}
	}
	if strings.Contains(css, "--portico-") {
		t.Error("the default prefix leaked into a custom-prefixed theme")
	}
}

// A brand colour set for the light palette stays in dark mode, with the
// text colour that reads on it, unless the dark palette sets its own.
func TestDarkModeKeepsTheBrandColour(t *testing.T) {
	for _, c := range []struct {
		name               string
		th                 Theme
		primary, onPrimary string
	}{
		{"brand set", Theme{Palette: Palette{Primary: "#e11d48"}}, "#e11d48", "#ffffff"},
		{"brand and its text set", Theme{Palette: Palette{Primary: "#fde047", OnPrimary: "#111827"}}, "#fde047", "#111827"},
		{"dark text set", Theme{Palette: Palette{Primary: "#e11d48"}, Dark: &Palette{OnPrimary: "#000000", Surface: "#000000"}}, "#e11d48", "#000000"},
		{"dark brand set", Theme{Palette: Palette{Primary: "#e11d48"}, Dark: &Palette{Primary: "#fda4af"}}, "#fda4af", "#0b1020"},
		{"no brand", Theme{}, "#818cf8", "#0b1020"},
	} {
		th := c.th
		th.Mode = "dark"
		css := th.CSS("x")
		for _, want := range []string{"--x-primary: " + c.primary + ";", "--x-on-primary: " + c.onPrimary + ";"} {
			if !strings.Contains(css, want) {
				t.Errorf("%s: the dark CSS lacks %s:\n%s", c.name, want, css)
			}
		}
		if c.th.Dark != nil && c.th.Dark.Surface != "" && !strings.Contains(css, "--x-surface: "+c.th.Dark.Surface+";") {
			t.Errorf("%s: the dark palette's own values were lost", c.name)
		}
	}
}

func TestUnsafeValuesAreRefusedAndLeftOut(t *testing.T) {
	th := Theme{Palette: Palette{Primary: "red; } body { display:none"}}
	if err := th.Validate(); err == nil || !strings.Contains(err.Error(), "palette.primary") {
		t.Errorf("Validate = %v, want an error naming palette.primary", err)
	}
	if css := th.CSS("p"); strings.Contains(css, "display:none") {
		t.Errorf("an unsafe value reached the CSS:\n%s", css)
	}
	if err := (Theme{CustomCSS: "</style><script>"}).Validate(); err == nil {
		t.Error("custom CSS closing the style element was accepted")
	}
}

func TestValidateNamesEachBadValueByPath(t *testing.T) {
	good := []Theme{
		Default(), {},
		{Mode: "auto", Palette: Palette{Primary: "rgb(12, 34, 56)", Text: "hsl(220 20% 10%)", Border: "RebeccaPurple", Surface: "#fff"},
			Typography: Typography{FontSize: "1rem", HeadingWeight: "bold"}, Layout: Layout{MaxWidth: "100%", Alignment: "center"}, Radius: "0"},
	}
	for i, th := range good {
		if err := th.Validate(); err != nil {
			t.Errorf("good theme %d: %v", i, err)
		}
	}
	bad := map[string]Theme{
		"palette.primary":          {Palette: Palette{Primary: "blurple"}},
		"dark.surface":             {Dark: &Palette{Surface: "#12345"}},
		"mode":                     {Mode: "sepia"},
		"typography.fontSize":      {Typography: Typography{FontSize: "15"}},
		"typography.headingWeight": {Typography: Typography{HeadingWeight: "heavy"}},
		"layout.alignment":         {Layout: Layout{Alignment: "right"}},
		"layout.maxWidth":          {Layout: Layout{MaxWidth: "wide"}},
		"radius":                   {Radius: "round"},
		"shadows.card":             {Shadows: Shadows{Card: "0 0 1px red; color: red"}},
		"typography.fontFamily":    {Typography: Typography{FontFamily: "Inter } body {"}},
		"customCss":                {CustomCSS: "</STYLE>"},
	}
	for path, th := range bad {
		err := th.Validate()
		var e *portico.Error
		if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != path {
			t.Errorf("%s: Validate = %v, want one error naming it", path, err)
		}
	}
}

func TestModePicksThePalette(t *testing.T) {
	light := Theme{}.CSS("p")
	dark := Theme{Mode: "dark", Dark: &Palette{Primary: "#00ff00"}}.CSS("p")
	if !strings.Contains(light, "--p-surface: #ffffff;") || strings.Contains(light, "prefers-color-scheme") {
		t.Errorf("light mode:\n%s", light)
	}
	if !strings.Contains(dark, "--p-primary: #00ff00;") || !strings.Contains(dark, "--p-surface: #121a2f;") {
		t.Errorf("dark mode must use the dark palette, filled from the default dark one:\n%s", dark)
	}
}
