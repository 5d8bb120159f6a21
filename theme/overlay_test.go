package theme

import "testing"

func TestOverKeepsBaseValuesTheOverlayLeavesEmpty(t *testing.T) {
	base := Default()
	base.Palette.Primary = "#112233"
	base.Radius = "4px"
	over := Theme{Palette: Palette{Surface: "#fafafa"}, Dark: &Palette{Primary: "#abcdef"}, Layout: Layout{Alignment: "center"}}
	got := over.Over(base)
	if got.Palette.Primary != "#112233" || got.Palette.Surface != "#fafafa" || got.Radius != "4px" {
		t.Errorf("palette/radius: got primary %q surface %q radius %q", got.Palette.Primary, got.Palette.Surface, got.Radius)
	}
	if got.Layout.Alignment != "center" || got.Layout.MaxWidth != base.Layout.MaxWidth {
		t.Errorf("layout: got %+v", got.Layout)
	}
	if got.Dark.Primary != "#abcdef" || got.Dark.Surface != base.Dark.Surface {
		t.Errorf("dark: got primary %q surface %q", got.Dark.Primary, got.Dark.Surface)
	}
	if base.Dark.Primary == "#abcdef" {
		t.Error("the base's dark palette was changed through the overlay")
	}
}
