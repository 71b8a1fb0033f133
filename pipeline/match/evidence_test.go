package match

import (
	"testing"

	"github.com/crmclean/crmclean/pipeline/msg"
)

func TestEvidenceText(t *testing.T) {
	same := msg.New("ev.same_mobile", "+8613800138000")
	tests := []struct {
		name string
		e    Evidence
		lang string
		want string
	}{
		{"the matcher's, in English", Evidence{Msg: same}, "en", same.In("en")},
		{"the matcher's, in Chinese", Evidence{Msg: same}, "zh", same.In("zh")},
		{"no message", Evidence{Detail: "as written"}, "zh", "as written"},
		{"none at all", Evidence{}, "en", ""},
		{"stored by an earlier version, in English", Evidence{Detail: "same mobile +8613800138000 (older words)", Msg: same}, "en", "same mobile +8613800138000 (older words)"},
		{"stored by an earlier version, in Chinese", Evidence{Detail: "same mobile +8613800138000 (older words)", Msg: same}, "zh", same.In("zh")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Text(tt.lang); got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", tt.lang, got, tt.want)
			}
		})
	}
	if same.In("en") == same.In("zh") || same.In("en") == "" {
		t.Fatalf("the catalogue's %s reads %q in both languages", same.ID, same.In("en"))
	}
}
