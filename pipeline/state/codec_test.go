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
				want.ContactID = "P0A1B2C3D4E" // written since contacts have ids
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
