package theme

import (
	"strings"
	"testing"
)

func TestCSSCarriesEveryVariableWithThePrefix(t *testing.T) {
	th := Theme{Mode: "auto", Palette: Palette{Primary: "#ff0066"}, Radius: "4px", CustomCSS: ".x-plan { outline: 1px solid red; }"}
	css := th.CSS("x")
	for _, want := range []string{".x-root {", "--x-primary: #ff0066;", "--x-radius: 4px;",
		"--x-surface: #ffffff;", "@media (prefers-color-scheme: dark)", "--x-primary: #818cf8;", ".x-plan { outline: 1px solid red; }"} {
		if !strings.Contains(css, want) {
			t.Errorf("CSS lacks %q:\n%s", want, css)
		}
	}
	if strings.Contains(css, "--portico-") {
		t.Error("the default prefix leaked into a custom-prefixed theme")
	}
}

func TestUnsafeValuesAreRefusedAndLeftOut(t *testing.T) {
	th := Theme{Palette: Palette{Primary: "red; } body { display:none"}}
	if err := th.Check(); err == nil || !strings.Contains(err.Error(), "primary") {
		t.Errorf("Check = %v, want an error naming primary", err)
	}
	if css := th.CSS("p"); strings.Contains(css, "display:none") {
		t.Errorf("an unsafe value reached the CSS:\n%s", css)
	}
	if err := (Theme{CustomCSS: "</style><script>"}).Check(); err == nil {
		t.Error("custom CSS closing the style element was accepted")
	}
	if err := Default().Check(); err != nil {
		t.Errorf("default theme: %v", err)
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
