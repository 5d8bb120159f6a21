//go:build js && !portico_locales

package components

// bundles in the wasm client: English only, the fallback of every locale.
// A page drawn by the server carries its locale's texts, which the
// provider reads from it (drawing.Bundle); a client built with the
// portico_locales tag holds every locale instead (texts_bundles.go).
var bundles = map[string]Texts{"en": english}
