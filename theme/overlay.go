package theme

import "reflect"

// Over returns base with every value set in t taking precedence: a host
// page's theme adjusts the server's rather than replacing it whole.
func (t Theme) Over(base Theme) Theme {
	out := base
	overlay(reflect.ValueOf(&out).Elem(), reflect.ValueOf(t))
	return out
}

// overlay copies the non-empty strings of src over dst, field by field,
// through nested groups; a dark palette given only by src is taken whole.
func overlay(dst, src reflect.Value) {
	for i := range dst.NumField() {
		d, s := dst.Field(i), src.Field(i)
		switch s.Kind() {
		case reflect.String:
			if s.String() != "" {
				d.SetString(s.String())
			}
		case reflect.Struct:
			overlay(d, s)
		case reflect.Pointer:
			if s.IsNil() {
				continue
			}
			if d.IsNil() {
				d.Set(reflect.New(s.Type().Elem()))
			} else {
				// Copy, so the base's palette is never written through.
				c := reflect.New(d.Type().Elem())
				c.Elem().Set(d.Elem())
				d.Set(c)
			}
			overlay(d.Elem(), s.Elem())
		}
	}
}
