package state

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/crmclean/crmclean/pipeline/msg"
)

// fill sets every field of the struct v points to a distinct non-zero
// value, so that a field added to record.Normalized later and forgotten by
// the codec fails the round trip.
func fill(v reflect.Value, seed *int) {
	*seed++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("值%d", *seed))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*seed) - 7) // negative too: issue columns are -1 for the row
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), seed)
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), seed)
		}
		v.Set(s)
	default:
		panic("fill: unsupported kind " + v.Kind().String())
	}
}

func TestRowCodecRoundTrip(t *testing.T) {
	seed := 0
	want := Row{Fingerprint: "fp"}
	fill(reflect.ValueOf(&want.Reason).Elem(), &seed)
	fill(reflect.ValueOf(&want.Values).Elem(), &seed)
	fill(reflect.ValueOf(&want.Issues).Elem(), &seed)
	fill(reflect.ValueOf(&want.Norm).Elem(), &seed)
	want.Values[1].Raw = want.Values[1].Text // stored once
	for name, enc := range map[string]func(*Row) ([]byte, error){"binary": encodeRow, "json (earlier versions)": encodeRowJSON} {
		t.Run(name, func(t *testing.T) {
			want := want
			if name == "binary" {
				want.ContactID = "P0A1B2C3D4E"       // written since contacts have ids
				want.Prov.RowEnd = 1048576           // in the payload; file, sheet and row are columns
				want.SameAs = "0123456789abcdef0123" // written for identical rows
			} else {
				// earlier versions stored no catalogue message
				want.Issues = slices.Clone(want.Issues)
				for i := range want.Issues {
					want.Issues[i].Msg = msg.Msg{}
				}
			}
			b, err := enc(&want)
			if err != nil {
				t.Fatal(err)
			}
			got := Row{Fingerprint: "fp"}
			if err := decodeRow(b, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestRowCodecWithoutOptionalFields checks that a row without the
// optional fields (as every row was written before them) reads with them
// empty, whatever the Row held before.
func TestRowCodecWithoutOptionalFields(t *testing.T) {
	row := RowOf(fixtureRecord("a.xlsx", 2, fixtureName, fixturePhone, "C1"))
	row.ContactID, row.Prov.RowEnd, row.SameAs = "", 0, ""
	b, err := encodeRow(&row)
	if err != nil {
		t.Fatal(err)
	}
	got := Row{Fingerprint: row.Fingerprint, Prov: row.Prov}
	got.ContactID, got.Prov.RowEnd, got.SameAs = "P1", 9, "fp" // as left by an earlier scan: reset
	if err := decodeRow(b, &got); err != nil {
		t.Fatal(err)
	}
	got.Status, got.CustomerID, got.ContentHash = row.Status, row.CustomerID, row.ContentHash // columns, not payload
	if !reflect.DeepEqual(got, row) {
		t.Errorf("without optional fields:\n got %+v\nwant %+v", got, row)
	}
}

func TestRowCodecRefusesDamage(t *testing.T) {
	row := RowOf(fixtureRecord("a.xlsx", 2, fixtureName, fixturePhone, "C1"))
	good, err := encodeRow(&row)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"truncated":     good[:len(good)-1],
		"trailing byte": append(append([]byte(nil), good...), 0),
		"huge count":    {codecBinary, 0, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"marker only":   {codecBinary},
		"empty contact": append(append([]byte(nil), good...), tagContact, 0),
		"zero row_end":  append(append([]byte(nil), good...), tagRowEnd, 0),
		"empty same_as": append(append([]byte(nil), good...), tagSameAs, 0),
		"out of order":  append(append([]byte(nil), good...), tagSameAs, 1, 'x', tagContact, 1, 'y'),
	} {
		var r Row
		if err := decodeRow(b, &r); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

func BenchmarkDecodeRow(b *testing.B) {
	row := RowOf(fixtureRecord("a.xlsx", 2, fixtureName, fixturePhone, "C1"))
	for name, enc := range map[string]func(*Row) ([]byte, error){"binary": encodeRow, "json": encodeRowJSON} {
		data, err := enc(&row)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var r Row
				if err := decodeRow(data, &r); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(data)), "bytes/row")
		})
	}
}
