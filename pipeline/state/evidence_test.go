package state

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/msg"
)

func TestEvidenceCodec(t *testing.T) {
	plain := msg.Msg{ID: "ev.plain", Args: []string{"姜永雪"}}
	mobile := msg.Msg{ID: "ev.same_mobile", Args: []string{"+8613271557150"}}
	tests := []struct {
		name string
		ev   []match.Evidence
	}{
		{"none", []match.Evidence{}},
		{"rendered details", []match.Evidence{
			{Field: "name", Outcome: "agree", Weight: 3.2, Detail: plain.In("en"), Msg: plain},
			{Field: "mobile", Outcome: "agree", Weight: 12.4, Detail: mobile.In("en"), Msg: mobile},
			{Field: "address", Outcome: "missing", Weight: -0.7},
		}},
		{"detail not the message", []match.Evidence{{Field: "name", Outcome: "near", Weight: 1.5, Detail: "华信 ~ 华新", Msg: plain}}},
		{"unknown words", []match.Evidence{{Field: "会员卡", Outcome: "maybe", Weight: 2, Detail: "x", Msg: msg.Msg{ID: "ev.future", Args: []string{"a", ""}}}}},
		{"weights not in tenths", []match.Evidence{
			{Field: "name", Outcome: "agree", Weight: 1.23456},
			{Field: "name", Outcome: "agree", Weight: math.Copysign(0, -1)},
			{Field: "name", Outcome: "agree", Weight: math.Inf(-1)},
			{Field: "name", Outcome: "agree", Weight: 1e300},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := EncodeEvidence(tt.ev)
			got, err := DecodeEvidence(b)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(tt.ev)
			have, _ := json.Marshal(got)
			if string(have) != string(want) || len(got) != len(tt.ev) {
				t.Errorf("decoded\n%s\nwant\n%s", have, want)
			}
			for i := range got {
				if math.Float64bits(got[i].Weight) != math.Float64bits(tt.ev[i].Weight) {
					t.Errorf("weight %d: %v, want %v", i, got[i].Weight, tt.ev[i].Weight)
				}
			}
			if js, err := json.Marshal(tt.ev); err == nil && len(tt.ev) > 0 && len(b) >= len(js)/2 {
				t.Errorf("%d bytes, as JSON %d", len(b), len(js))
			}
		})
	}
}

// TestEvidenceLegacyJSON: evidence stored as JSON by earlier versions
// reads as before.
func TestEvidenceLegacyJSON(t *testing.T) {
	ev := []match.Evidence{{Field: "name", Outcome: "agree", Weight: 3.2, Detail: "姜永雪", Msg: msg.Msg{ID: "ev.plain", Args: []string{"姜永雪"}}}}
	js, _ := json.Marshal(ev)
	for _, b := range [][]byte{js, []byte(`[]`), []byte(`null`)} {
		got, err := DecodeEvidence(b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		var want []match.Evidence
		_ = json.Unmarshal(b, &want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %+v, want %+v", b, got, want)
		}
	}
}

func TestEvidenceDamaged(t *testing.T) {
	good := EncodeEvidence([]match.Evidence{{Field: "name", Outcome: "agree", Weight: 1.23456, Detail: "x", Msg: msg.Msg{ID: "ev.plain", Args: []string{"y"}}}})
	for name, b := range map[string][]byte{
		"empty":        {},
		"cut":          good[:len(good)-1],
		"trailing":     append(append([]byte(nil), good...), 0),
		"bad flags":    {codecBinary, 1, 0x80, 1, 9, 0, 1, 0},
		"unknown word": {codecBinary, 1, evDetailRendered | evWeightTenths, 200, 9, 0, 1, 0},
		"huge count":   {codecBinary, 0xff, 0xff, 0xff, 0x7f},
		"not JSON":     []byte(`[{`),
	} {
		if _, err := DecodeEvidence(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// FuzzDecodeEvidence: damaged evidence gives an error or evidence that
// encodes and decodes to itself, never a panic.
func FuzzDecodeEvidence(f *testing.F) {
	f.Add(EncodeEvidence([]match.Evidence{{Field: "name", Outcome: "agree", Weight: 3.2, Msg: msg.Msg{ID: "ev.plain", Args: []string{"a"}}}}))
	f.Add([]byte(`[{"Field":"name","Weight":1}]`))
	f.Add([]byte{codecBinary, 1, 0, 0, 1, 'x', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := DecodeEvidence(b)
		if err != nil {
			return
		}
		again, err := DecodeEvidence(EncodeEvidence(ev))
		if err != nil {
			t.Fatalf("decode encoded evidence: %v", err)
		}
		x, _ := json.Marshal(ev)
		y, _ := json.Marshal(again)
		if string(x) != string(y) && len(ev) > 0 {
			t.Errorf("round trip\n%s\n%s", x, y)
		}
	})
}

// TestEvidenceUnrendered: the matcher's evidence, whose details are left
// to render (Detail empty), is stored as compactly as rendered evidence and
// reads back with the same texts.
func TestEvidenceUnrendered(t *testing.T) {
	plain := msg.Msg{ID: "ev.plain", Args: []string{"姜永雪"}}
	ev := []match.Evidence{{Field: "name", Outcome: "agree", Weight: 3.2, Msg: plain}, {Field: "address", Outcome: "missing", Weight: -0.7}}
	rendered := []match.Evidence{{Field: "name", Outcome: "agree", Weight: 3.2, Detail: plain.In("en"), Msg: plain}, ev[1]}
	b := EncodeEvidence(ev)
	if want := EncodeEvidence(rendered); string(b) != string(want) {
		t.Errorf("stored as % x, want % x (as rendered)", b, want)
	}
	got, err := DecodeEvidence(b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ev {
		if got[i].Text("en") != ev[i].Text("en") || got[i].Msg.ID != ev[i].Msg.ID {
			t.Errorf("evidence %d: %q (%s), want %q (%s)", i, got[i].Text("en"), got[i].Msg.ID, ev[i].Text("en"), ev[i].Msg.ID)
		}
	}
}
