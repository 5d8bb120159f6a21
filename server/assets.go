package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// asset is a script or stylesheet of the web folder, read once at start
// and served by version, as app.wasm is. Portico's pages load it at
// versionURL, "?v=" and its hash: that URL names these bytes for good, so
// browsers keep it a year without asking again, and a new build is a new
// URL. Any other request for it (a host page's plain /embed.js, or the
// version of another build) is revalidated with its ETag on every use, so a
// new build is picked up at once.
type asset struct {
	body        []byte
	contentType string
	version     string
}

// assetNames are the web folder's files served as assets: the embed script,
// the framed page's bridge, the client's starter and the page stylesheet.
func assetNames() []string { return []string{"embed.js", "frame.js", "boot.js", "page.css"} }

// loadAssets reads the assets the web folder holds.
func loadAssets(dir string) (map[string]asset, error) {
	out := map[string]asset{}
	for _, name := range assetNames() {
		body, err := os.ReadFile(filepath.Join(dir, name))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		out[name] = asset{body: body, contentType: mime.TypeByExtension(filepath.Ext(name)),
			version: hex.EncodeToString(sum[:])[:16]}
	}
	return out, nil
}

// immutable is how long a versioned URL is kept: a year, unchanged.
const immutable = "public, max-age=31536000, immutable"

func (a asset) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	h := rw.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", `"`+a.version+`"`)
	if r.URL.Query().Get("v") == a.version {
		h.Set("Cache-Control", immutable)
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(rw, r, "", time.Time{}, bytes.NewReader(a.body))
}

// versionURL is the URL of an asset at path with its version, or path
// alone when the web folder lacks it.
func versionURL(assets map[string]asset, path, name string) string {
	a, ok := assets[name]
	if !ok {
		return path
	}
	return path + "?v=" + a.version
}
