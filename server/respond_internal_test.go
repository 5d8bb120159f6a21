package server

import (
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A value that cannot be encoded is a server error, not an empty success:
// the answer is encoded before its status is sent.
func TestAnAnswerThatCannotBeEncodedIsAServerError(t *testing.T) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/catalog", nil)
	writeJSON(rec, req, slog.New(slog.NewTextHandler(io.Discard, nil)), http.StatusOK, map[string]float64{"x": math.NaN()})
	if rec.Code != http.StatusInternalServerError || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("answer %d %s %q, want a 500 problem", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
}
