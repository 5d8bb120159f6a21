package testkit

import (
	"maps"
	"testing"
)

// The banner gives where the server listens, the key it generated, the
// designer and each demo portal, and ends with its example call.
func TestBannerReadsWhatServePrints(t *testing.T) {
	lines := []string{
		"Portico is listening on http://127.0.0.1:43117 (data in /tmp/d)",
		"Backend API key (generated, kept in /tmp/d/secret_key): sk_0123abcd",
		"Start page: http://127.0.0.1:43117/ (links to everything below)",
		"Theme designer: http://127.0.0.1:43117/designer",
		"",
		"Demo customers — portal sessions valid for 24 hours:",
		"  ada       free plan                                  http://127.0.0.1:43117/portal?session=ps_a",
		"  ken       two sites; portal scoped to site \"blog\"     http://127.0.0.1:43117/portal?session=ps_k",
		"",
		"Try the API:",
		`  curl -H "Authorization: Bearer sk_0123abcd" http://127.0.0.1:43117/api/v1/customers/grace`,
		"a log line after the banner",
	}
	var b Banner
	read := 0
	for _, l := range lines {
		read++
		if !b.Read(l) {
			break
		}
	}
	want := map[string]string{"ada": "http://127.0.0.1:43117/portal?session=ps_a", "ken": "http://127.0.0.1:43117/portal?session=ps_k"}
	if read != len(lines)-1 || b.URL != "http://127.0.0.1:43117" || b.Key != "sk_0123abcd" ||
		b.Designer != "http://127.0.0.1:43117/designer" || !maps.Equal(b.Portals, want) {
		t.Errorf("read %d lines into %+v", read, b)
	}

	var kept Banner
	kept.Read("Backend API key: sk_0123… (kept in /tmp/d/secret_key)")
	if kept.Key != "" {
		t.Errorf("a kept key read as generated: %q", kept.Key)
	}
}
