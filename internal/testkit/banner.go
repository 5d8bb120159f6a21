package testkit

import (
	"regexp"
	"strings"

	"github.com/portico-dev/portico/internal/spawn"
)

// Banner is what `portico serve` prints once it listens: where, the backend
// API key it generated, the theme designer's URL and each demo customer's
// portal URL.
type Banner struct {
	URL      string            // where it listens, http://127.0.0.1:port
	Key      string            // the generated key; "" when the key was supplied or kept
	Designer string            // the theme designer's URL, when the pages are served
	Portals  map[string]string // demo customer ID → portal session URL
}

var (
	generatedKey = regexp.MustCompile(`^Backend API key \(generated, kept in .+\): (sk_\S+)$`)
	demoPortal   = regexp.MustCompile(`^  (\S+)\s{2,}.*\s(https?://\S+/portal\?session=\S+)$`)
)

// Read takes the banner's next line and reports whether the banner goes
// on: its last line is the example API call.
func (b *Banner) Read(line string) (more bool) {
	if u := spawn.PorticoURL(line); u != "" {
		b.URL = u
	} else if m := generatedKey.FindStringSubmatch(line); m != nil {
		b.Key = m[1]
	} else if m := demoPortal.FindStringSubmatch(line); m != nil {
		if b.Portals == nil {
			b.Portals = map[string]string{}
		}
		b.Portals[m[1]] = m[2]
	} else if u, ok := strings.CutPrefix(line, "Theme designer: "); ok {
		b.Designer = u
	}
	return !strings.HasPrefix(line, "  curl ")
}
