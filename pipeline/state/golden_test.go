package state

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
)

func TestGoldenOf(t *testing.T) {
	rec := fixtureRecord("a.xlsx", 2, fixtureName, fixturePhone, "C1")
	c := &merge.Customer{ID: "C1", Name: fixtureName, Mobile: fixturePhone,
		Sensitive: map[string]string{"身份证号": fixtureID}, Rows: []*record.Record{rec}}
	b, err := GoldenOf(c)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), fixtureID) {
		t.Errorf("golden record holds a sensitive value: %s", b)
	}
	var back merge.Customer
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.ID != "C1" || back.Name != fixtureName || back.Mobile != fixturePhone || back.Rows != nil {
		t.Errorf("golden record back as %+v", back)
	}
	var fps struct {
		RowFingerprints []string `json:"row_fingerprints"`
	}
	if err := json.Unmarshal(b, &fps); err != nil || len(fps.RowFingerprints) != 1 || fps.RowFingerprints[0] != rec.Fingerprint {
		t.Errorf("golden record lists rows %v, want [%s] (%v)", fps.RowFingerprints, rec.Fingerprint, err)
	}
	if c.Sensitive == nil || len(c.Rows) != 1 {
		t.Error("GoldenOf changed the customer it was given")
	}
}

// TestCompactGolden: a golden record stored without its empty members
// reads back (as a customer and as StoredGolden) the same as the JSON
// given, in fewer bytes; JSON it does not expect is stored as given.
func TestCompactGolden(t *testing.T) {
	rec := fixtureRecord("a.xlsx", 2, fixtureName, fixturePhone, "C1")
	tests := []struct {
		name string
		c    merge.Customer
	}{
		{"typical", merge.Customer{ID: "C1", Kind: record.Company, Name: fixtureName, Mobile: fixturePhone, Phones: []string{fixturePhone},
			Extras: map[string]string{}, Contacts: []merge.Contact{{ID: "P1", Name: "郭轩飞", Mobile: fixturePhone}}, Rows: []*record.Record{rec}}},
		{"empty", merge.Customer{}},
		{"quotes and escapes", merge.Customer{ID: `C"2`, Name: `a":"",\"`, Address: `{"x":null}`, Emails: []string{"", `"`},
			Extras: map[string]string{"": "", `k"":null`: "v", "空": ""}, Contacts: []merge.Contact{{}, {Name: `\`}},
			Conflicts: []merge.Conflict{{Field: "name", Others: []string{}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			full, err := GoldenOf(&tt.c)
			if err != nil {
				t.Fatal(err)
			}
			small := compactGolden(full)
			if !json.Valid(small) || len(small) >= len(full) {
				t.Fatalf("compact form %s of %s", small, full)
			}
			var want, got merge.Customer
			if err := json.Unmarshal(full, &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(small, &got); err != nil {
				t.Fatal(err)
			}
			w, _ := json.Marshal(want)
			g, _ := json.Marshal(got)
			if string(g) != string(w) {
				t.Errorf("reads back as\n%s\nwant\n%s", g, w)
			}
			sw, err1 := ParseGolden(full)
			sg, err2 := ParseGolden(small)
			if err1 != nil || err2 != nil || !reflect.DeepEqual(sg, sw) {
				t.Errorf("ParseGolden: %+v (%v), want %+v (%v)", sg, err2, sw, err1)
			}
		})
	}
	for _, b := range []string{``, `{`, `{"a":""`, `[1,2`, `{"a"}`, `{"a":1,}`, `"x`, `}`} {
		if got := compactGolden([]byte(b)); string(got) != b {
			t.Errorf("compactGolden(%q) = %q, want it as given", b, got)
		}
	}
}

// TestCommitKeepsGoldenHash: the hash stored beside a golden record is
// that of the JSON given, not of the compact form stored.
func TestCommitKeepsGoldenHash(t *testing.T) {
	s, _ := openTemp(t)
	full := []byte(`{"ID":"CA000001","Name":"x","Email":"","Emails":null}`)
	ch := fixtureChanges(0, "a.csv", 1)
	ch.Customers[0].Golden = full
	mustCommit(t, s, fixtureRun("a.csv"), ch)
	var packed []byte
	var hash string
	if err := s.db.QueryRow(`SELECT golden, golden_hash FROM customers WHERE id = ?`, ch.Customers[0].ID).Scan(&packed, &hash); err != nil {
		t.Fatal(err)
	}
	if packed[0] != goldenPacked {
		t.Errorf("stored %q, want it packed", packed)
	}
	stored, err := s.Golden(context.Background(), ch.Customers[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(stored) != `{"ID":"CA000001","Name":"x"}` || hash != GoldenHash(full) {
		t.Errorf("stored %s with hash %s, want the compact form with hash %s", stored, hash, GoldenHash(full))
	}
}

// FuzzCompactGolden: any input gives valid JSON back when it was valid
// JSON, reading as the same customer, and never panics.
func FuzzCompactGolden(f *testing.F) {
	for _, s := range []string{`{"ID":"C1","Email":"","Extras":{"a":""},"Contacts":[{"Name":"","ID":"P"}]}`, `{"a":[{"b":null},""]}`, `{`, `"\"`, `[{"":""}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		small := compactGolden(b)
		if !json.Valid(b) {
			return
		}
		if !json.Valid(small) {
			t.Fatalf("compactGolden(%s) = %s, not JSON", b, small)
		}
		var want, got merge.Customer
		if json.Unmarshal(b, &want) != nil {
			return
		}
		if err := json.Unmarshal(small, &got); err != nil {
			t.Fatalf("compactGolden(%s) = %s: %v", b, small, err)
		}
		w, _ := json.Marshal(want)
		g, _ := json.Marshal(got)
		if string(g) != string(w) {
			t.Errorf("compactGolden(%s) = %s reads as\n%s\nwant\n%s", b, small, g, w)
		}
	})
}

// TestGoldenOfNilExtras: a customer built without extra columns (nil
// Extras) is stored byte for byte as one with an empty map was, "Extras":{}
// and not null, so its GoldenHash in a state written before stays the same.
func TestGoldenOfNilExtras(t *testing.T) {
	rec := fixtureRecord("a.xlsx", 2, fixtureName, fixturePhone, "C1")
	tests := []struct {
		name string
		c    merge.Customer
	}{
		{"typical", merge.Customer{ID: "C1", Name: fixtureName, Mobile: fixturePhone, Contacts: []merge.Contact{{ID: "P1", Name: "郭轩飞"}}, Rows: []*record.Record{rec}}},
		{"empty", merge.Customer{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withMap := tt.c
			withMap.Extras = map[string]string{}
			want, err1 := GoldenOf(&withMap)
			got, err2 := GoldenOf(&tt.c)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if string(got) != string(want) || !strings.Contains(string(got), `"Extras":{}`) {
				t.Errorf("nil Extras stored as\n%s\nwant\n%s", got, want)
			}
			if tt.c.Extras != nil {
				t.Error("GoldenOf changed the customer it was given")
			}
		})
	}
	if len(noExtras) != 0 {
		t.Errorf("noExtras was written to: %v", noExtras)
	}
}

// TestPackGolden: a packed golden record unpacks to the bytes packed, and
// is smaller; input that is not compact JSON is stored as given.
func TestPackGolden(t *testing.T) {
	ids := newStringIDs(nil)
	w := &rowWriter{ids: ids}
	for name, js := range map[string]string{
		"customer": `{"ID":"C0000020245","Kind":"company","Name":"越鑫餐饮管理（东莞）股份有限公司","Contact":"郭轩飞","Mobile":"+8618948084292",` +
			`"Phones":["+8618948084292"],"Province":"广东省","City":"东莞市","Address":"迎宾大道25号","Extras":{"备注":"","等级":"A"},` +
			`"Contacts":[{"ID":"P3F23D836BA","Name":"郭轩飞","Mobile":"+8618948084292","Phones":["+8618948084292"]}],` +
			`"Conflicts":[{"Field":"name","Chosen":"x","Others":["y","z"]}],"row_fingerprints":["40fd16ea8a6075e4296d","c0ffee00c0ffee00"]}`,
		"escapes":        `{"a":"\"<\u003c>\\","b\"":"\n","":"","c":[]}`,
		"numbers":        `{"a":1,"b":-2.5e3,"c":true,"d":false,"e":null,"f":[1,[2,{}],"x"]}`,
		"empty":          `{}`,
		"array":          `[{"a":"b"},"b"]`,
		"hex, odd":       `{"a":"40fd16ea8a6075e42"}`,
		"hex, uppercase": `{"a":"40FD16EA8A6075E4296D"}`,
	} {
		packed := packGolden(w, []byte(js))
		if packed[0] != goldenPacked {
			t.Errorf("%s: not packed", name)
			continue
		}
		got, err := unpackGolden(packed, ids.added)
		if err != nil || string(got) != js {
			t.Errorf("%s: unpacked %s, %v\nwant %s", name, got, err, js)
		}
		if name == "customer" && len(packed) > len(js)*6/10 {
			t.Errorf("customer packed in %d bytes of %d: want at most 60%%", len(packed), len(js))
		}
	}
	for _, js := range []string{``, `{`, `{"a":1`, `[1,2`, `{"a"}`, `"x`, `}`, `{"a": 1}`, `{1:2}`, `{"a":x}`} {
		if got := packGolden(w, []byte(js)); string(got) != js {
			t.Errorf("packGolden(%q) = %q, want it as given", js, got)
		}
	}
}

// FuzzPackGolden: whatever is packed unpacks to itself, and unpacking
// damaged bytes fails cleanly.
func FuzzPackGolden(f *testing.F) {
	for _, s := range []string{`{"ID":"C1","Extras":{"a":""},"Contacts":[{"Name":"","ID":"P"}]}`, `{"a":[{"b":null},""]}`, `{`, `"\"`, `[{"":""}]`,
		`{"row_fingerprints":["40fd16ea8a6075e4296d"]}`, "\x02{k\x08s\x00}", "\x02[h\x01\xff}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ids := newStringIDs([]string{"ID", "Name"})
		dict := []string{"ID", "Name"}
		_, err := unpackGolden(b, dict)
		if len(b) > 0 && b[0] == goldenPacked {
			return // damaged or not, it did not panic; records given to store are JSON
		}
		if err != nil {
			t.Fatalf("unpacking JSON as stored before: %v", err)
		}
		packed := packGolden(&rowWriter{ids: ids}, b)
		got, err := unpackGolden(packed, append(dict, ids.added...))
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("unpack(pack(%q)) = %q, %v", b, got, err)
		}
	})
}
