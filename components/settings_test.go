package components_test

import (
	"testing"

	"github.com/portico-dev/portico/components"
)

func TestClassPrefixAcceptsOnlyPlainNames(t *testing.T) {
	for in, want := range map[string]string{
		"acme": "acme", "a": "a", "acme-2": "acme-2", "a23456789012345678901234567890bc": "a23456789012345678901234567890bc",
		"": "portico", "Acme": "portico", "2acme": "portico", "-acme": "portico", "acme_x": "portico",
		`x"><h1>`: "portico", "a234567890123456789012345678901234": "portico", "acme x": "portico",
	} {
		if got := components.ClassPrefix(in); got != want {
			t.Errorf("ClassPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKnownLocaleFallsBackToEnglish(t *testing.T) {
	for in, want := range map[string]string{
		"fr": "fr", "fr-CA": "fr", "FR": "fr", "en-GB": "en", "": "en", "de-AT": "de", "pt": "pt-BR", "zh-Hans": "zh-CN", "zh-TW": "en", "ru": "en", `fr"><x`: "en", "xx-fr": "en",
	} {
		if got := components.KnownLocale(in); got != want {
			t.Errorf("KnownLocale(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSupportLinkTakesOnlyWebAndMailLinks(t *testing.T) {
	for in, want := range map[string]string{
		"https://help.example.com/x?a=1": "https://help.example.com/x?a=1",
		"http://help.example.com":        "http://help.example.com",
		"mailto:help@example.com":        "mailto:help@example.com",
		"javascript:alert(1)":            "",
		"JavaScript:alert(1)":            "",
		"data:text/html,<h1>x</h1>":      "",
		"//evil.example":                 "",
		"/support":                       "",
		"https:///nohost":                "",
		"mailto:":                        "",
		"vbscript:x":                     "",
		"":                               "",
	} {
		if got := components.SupportLink(in); got != want {
			t.Errorf("SupportLink(%q) = %q, want %q", in, got, want)
		}
	}
}
