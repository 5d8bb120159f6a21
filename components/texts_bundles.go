//go:build !js || portico_locales

package components

// bundles are the built-in locales' texts. The server holds them all and
// draws each page in its locale; the wasm client holds English only (see
// texts_bundles_js.go): the page carries the texts of its locale, which
// keeps the other nine out of the client's download.
var bundles = map[string]Texts{"en": english, "fr": french, "de": german, "es": spanish, "it": italian,
	"pt-BR": portuguese, "nl": dutch, "ja": japanese, "zh-CN": chinese, "ar": arabic}
