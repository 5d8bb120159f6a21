package engine

import (
	"encoding/json"
	"testing"
	"time"
)

// A kept portal view's time is filled in as encoding/json writes it.
func TestWithNowWritesTheTimeAsJSONWould(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 1, 10, 0, 0, 123456789, time.UTC),
		time.Date(2026, 12, 31, 23, 59, 59, 5000, time.FixedZone("x", 3600)),
	} {
		view := []byte(`{"customer":{"name":"\"now\":"},"now":"0001-01-01T00:00:00Z","pastDue":false}`)
		want, _ := json.Marshal(now)
		got := withNow(view, now)
		if wantView := `{"customer":{"name":"\"now\":"},"now":` + string(want) + `,"pastDue":false}`; string(got) != wantView {
			t.Errorf("%v: %s, want %s", now, got, wantView)
		}
	}
	if got := withNow([]byte(`{"a":1}`), time.Now()); string(got) != `{"a":1}` {
		t.Errorf("a view without a time became %s", got)
	}
}
