package portico

import "strings"

// Translation is a catalog object's name, description and unit in another
// language: what the portal, the paywall and invoices show a customer who
// reads that language. An empty field keeps the catalog's own, except a
// unit: a feature whose name is translated shows no unit unless the
// translation gives one, never an English unit inside another language.
type Translation struct {
	Name        string `json:"name,omitempty" validate:"max=200"`
	Description string `json:"description,omitempty" validate:"max=2000"`
	Unit        string `json:"unit,omitempty" validate:"max=50"`
}

// Translations are an object's translations by locale ("de", "pt-BR").
type Translations map[string]Translation

// For returns the translation that serves locale: its own ("pt-BR"), else
// its language's ("fr" for "fr-CA"), else the language's regional form
// when that is all there is ("zh-CN" for "zh"). ok is false when none
// does: the catalog's own texts are shown.
func (ts Translations) For(locale string) (Translation, bool) {
	if len(ts) == 0 || locale == "" {
		return Translation{}, false
	}
	if t, ok := ts[locale]; ok {
		return t, true
	}
	lang, _, _ := strings.Cut(locale, "-")
	lang = strings.ToLower(lang)
	for tag, t := range ts {
		if strings.EqualFold(tag, locale) || strings.EqualFold(tag, lang) {
			return t, true
		}
	}
	for tag, t := range ts {
		if l, _, _ := strings.Cut(tag, "-"); strings.EqualFold(l, lang) {
			return t, true
		}
	}
	return Translation{}, false
}

// translate puts the translation serving locale over name, description
// and unit (any may be nil: the object has no such text).
func (ts Translations) translate(locale string, name, description, unit *string) {
	t, ok := ts.For(locale)
	if !ok {
		return
	}
	for _, f := range []struct {
		to   *string
		from string
	}{{name, t.Name}, {description, t.Description}, {unit, t.Unit}} {
		if f.to != nil && f.from != "" {
			*f.to = f.from
		}
	}
}

// Localized returns the catalog with every name, description and unit in
// locale where a translation gives it: a copy, c is left as it is. An
// empty locale, or a catalog without translations, returns c itself.
func (c *Catalog) Localized(locale string) *Catalog {
	if locale == "" || !c.hasTranslations() {
		return c
	}
	out := *c
	out.Features = append([]Feature(nil), c.Features...)
	for i := range out.Features {
		f := &out.Features[i]
		if t, ok := f.Translations.For(locale); ok && t.Name != "" && t.Unit == "" {
			f.Unit = ""
		}
		f.Translations.translate(locale, &f.Name, nil, &f.Unit)
	}
	out.Products = append([]Product(nil), c.Products...)
	for i := range out.Products {
		p := &out.Products[i]
		p.Translations.translate(locale, &p.Name, &p.Description, nil)
	}
	out.Plans = append([]Plan(nil), c.Plans...)
	for i := range out.Plans {
		p := &out.Plans[i]
		p.Translations.translate(locale, &p.Name, &p.Description, nil)
	}
	out.Addons = append([]Addon(nil), c.Addons...)
	for i := range out.Addons {
		a := &out.Addons[i]
		a.Translations.translate(locale, &a.Name, &a.Description, nil)
	}
	return &out
}

func (c *Catalog) hasTranslations() bool {
	for _, f := range c.Features {
		if len(f.Translations) > 0 {
			return true
		}
	}
	for _, p := range c.Products {
		if len(p.Translations) > 0 {
			return true
		}
	}
	for _, p := range c.Plans {
		if len(p.Translations) > 0 {
			return true
		}
	}
	for _, a := range c.Addons {
		if len(a.Translations) > 0 {
			return true
		}
	}
	return false
}
