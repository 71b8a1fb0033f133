package state

import (
	"fmt"
	"reflect"
	"testing"
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
				want.Prov.RowEnd = 1048576 // in the payload; file, sheet and row are columns
				want.SameAs = "0123456789abcdef0123"
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

// TestRowCodecReadsVersion1 checks that a row stored before row_end
// (codecBinaryV1, the same layout without the fields after phones) still
// reads, as a single row.
func TestRowCodecReadsVersion1(t *testing.T) {
	row := RowOf(fixtureRecord("a.xlsx", 2, fixtureName, fixturePhone, "C1"))
	b, err := encodeRow(&row)
	if err != nil {
		t.Fatal(err)
	}
	v1 := append([]byte{codecBinaryV1}, b[1:len(b)-2]...) // rowEnd 0 and sameAs "" are one byte each
	got := Row{Fingerprint: row.Fingerprint, Prov: row.Prov}
	got.Prov.RowEnd, got.SameAs = 9, "fp" // as left by an earlier scan: reset
	if err := decodeRow(v1, &got); err != nil {
		t.Fatal(err)
	}
	got.Status, got.CustomerID, got.ContentHash = row.Status, row.CustomerID, row.ContentHash // columns, not payload
	if !reflect.DeepEqual(got, row) {
		t.Errorf("version 1:\n got %+v\nwant %+v", got, row)
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
