package state

import (
	"reflect"
	"testing"

	"github.com/crmclean/crmclean/pipeline/record"
)

// FuzzDecodeRow feeds damaged payloads to the row decoder: it must return
// an error or a row whose encoding decodes to the same row, never panic.
func FuzzDecodeRow(f *testing.F) {
	row := RowOf(fixtureRecord("a.xlsx", 2, fixtureName, fixturePhone, "C1"))
	good, err := encodeRow(&row)
	if err != nil {
		f.Fatal(err)
	}
	old, err := encodeRowJSON(&row)
	if err != nil {
		f.Fatal(err)
	}
	plain := appendRowPlain(nil, &row)
	ids := newStringIDs(nil)
	shared := appendRow(nil, &row, ids)
	fuzzDict := ids.added
	row.ContactID = "P0A1B2C3D4E"
	named, err := encodeRow(&row)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{string(good), string(old), string(named), string(plain), string(shared), "\x02\x03\x00", "\x01", "\x01\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", string(good[:len(good)/2]), `{}`, `{"n":{}}`, `{"v":[{"c":1,"t":"x","w":""}]}`, `{"v":null}`, `[`, ``, `{"n":{"p":[{"c":-1}]}}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r Row
		if err := decodeRow(b, &r, fuzzDict); err != nil {
			return
		}
		again, err := encodeRow(&r)
		if err != nil {
			t.Fatalf("encode a decoded row: %v", err)
		}
		var r2 Row
		if err := decodeRow(again, &r2, fuzzDict); err != nil {
			t.Fatalf("decode a re-encoded row: %v", err)
		}
		if !reflect.DeepEqual(r, r2) {
			t.Fatalf("decode(encode(r)) != r:\n%+v\n%+v", r, r2)
		}
	})
}

// FuzzRowRoundTrip checks that any row survives the store's encoding.
func FuzzRowRoundTrip(f *testing.F) {
	f.Add("客户名称", "无", "", "张伟明", "+8613912345678", 3, false)
	f.Add("", "", "x", "", "", 0, true)
	f.Add("手机", " 139 1234 5678 ", "+8613912345678", "\x00\"", "", 27, true)
	f.Fuzz(func(t *testing.T, header, raw, text, name, phone string, col int, own bool) {
		r := Row{
			Fingerprint: "fp",
			ContactID:   text,
			Values:      []record.Value{record.NewValue(record.FieldName, col, header, text, raw)},
			Issues:      []record.Issue{{Col: -1, Value: raw, Message: text, Severity: record.Warning}},
			Norm: record.Normalized{Name: name, Phones: []record.Phone{{E164: phone, Own: own, Col: col, Input: raw}},
				Emails: []string{text}},
		}
		b, err := encodeRow(&r)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		var got Row
		got.Fingerprint = r.Fingerprint
		if err := decodeRow(b, &got, nil); err != nil {
			t.Fatalf("decode: %v", err)
		}
		if !validUTF8(header, raw, text, name, phone) {
			return // JSON replaces invalid UTF-8; spreadsheet text is valid UTF-8 by the time it is stored
		}
		if !reflect.DeepEqual(got, r) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, r)
		}
	})
}
