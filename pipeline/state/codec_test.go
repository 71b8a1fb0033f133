package state

import (
	"encoding/binary"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/record"
)

// fill sets every field of the struct v points to a distinct non-zero
// value, so that a field added to record.Normalized later and forgotten by
// the codec fails the round trip.
func fill(v reflect.Value, seed *int) {
	*seed++
	if v.Type() == reflect.TypeFor[record.Value]() {
		// A value's parts are behind accessors: fill each as a field.
		var parts struct {
			Field  string
			Col    int
			Header string
			Text   string
			Raw    string
		}
		fill(reflect.ValueOf(&parts).Elem(), seed)
		v.Set(reflect.ValueOf(record.NewValue(parts.Field, parts.Col, parts.Header, parts.Text, parts.Raw)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("值%d", *seed))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*seed) - 7) // negative too: issue columns are -1 for the row
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), seed)
			}
		}
		if n, ok := v.Addr().Interface().(*record.Normalized); ok {
			// The fields few rows have are behind setters (record's
			// TestRareFields lists them).
			var rare struct {
				Title, Gender             string
				ShortMobiles, OwnerPhones []string
			}
			fill(reflect.ValueOf(&rare).Elem(), seed)
			n.SetTitle(rare.Title)
			n.SetGender(rare.Gender)
			n.SetShortMobiles(rare.ShortMobiles)
			n.SetOwnerPhones(rare.OwnerPhones)
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

// encoding is one way of writing a row's payload, with the shared strings
// its decoding needs.
type encoding func(*Row) ([]byte, []string, error)

var encodings = map[string]encoding{
	"shared": func(r *Row) ([]byte, []string, error) {
		before := []string{"已有"} // a table holding strings already
		ids := newStringIDs(before)
		return appendRow(nil, r, ids), append(before, ids.added...), nil
	},
	"shared, empty table": func(r *Row) ([]byte, []string, error) { return appendRow(nil, r, nil), nil, nil },
	"plain (earlier versions)": func(r *Row) ([]byte, []string, error) {
		return appendRowPlain(nil, r), nil, nil
	},
	"json (earlier versions)": func(r *Row) ([]byte, []string, error) {
		b, err := encodeRowJSON(r)
		return b, nil, err
	},
}

func TestRowCodecRoundTrip(t *testing.T) {
	seed := 0
	want := Row{Fingerprint: "fp"}
	fill(reflect.ValueOf(&want.Reason).Elem(), &seed)
	fill(reflect.ValueOf(&want.Values).Elem(), &seed)
	fill(reflect.ValueOf(&want.Issues).Elem(), &seed)
	fill(reflect.ValueOf(&want.Norm).Elem(), &seed)
	want.Values[1] = want.Values[1].WithText(want.Values[1].Text(), want.Values[1].Text()) // stored once
	for name, enc := range encodings {
		t.Run(name, func(t *testing.T) {
			want := want
			if name != "json (earlier versions)" {
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
			b, dict, err := enc(&want)
			if err != nil {
				t.Fatal(err)
			}
			got := Row{Fingerprint: "fp"}
			if err := decodeRow(b, &got, dict); err != nil {
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
	if err := decodeRow(b, &got, nil); err != nil {
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
		if err := decodeRow(b, &r, nil); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

func BenchmarkDecodeRow(b *testing.B) {
	row := RowOf(fixtureRecord("a.xlsx", 2, fixtureName, fixturePhone, "C1"))
	for name, enc := range encodings {
		data, dict, err := enc(&row)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var r Row
				if err := decodeRow(data, &r, dict); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(data)), "bytes/row")
		})
	}
}

// appendRowPlain appends r's payload in the plain binary form, as
// versions before the shared strings wrote it: for tests of reading them.
func appendRowPlain(b []byte, r *Row) []byte {
	b = append(b, codecBinary)
	b = appendString(b, r.Reason)
	b = binary.AppendUvarint(b, uint64(len(r.Values)))
	for _, v := range r.Values {
		b = appendString(b, v.Field())
		b = binary.AppendVarint(b, int64(v.Col()))
		b = appendString(b, v.Header())
		b = appendString(b, v.Text())
		if v.Raw() == v.Text() {
			b = append(b, 1)
		} else {
			b = append(b, 0)
			b = appendString(b, v.Raw())
		}
	}
	b = binary.AppendUvarint(b, uint64(len(r.Issues)))
	for _, is := range r.Issues {
		b = appendString(b, is.Field)
		b = binary.AppendVarint(b, int64(is.Col))
		for _, s := range []string{is.Header, is.Value, is.Rule, string(is.Severity), is.Message, is.Fix} {
			b = appendString(b, s)
		}
	}
	n := &r.Norm
	for _, s := range []string{string(n.Kind), n.Name, n.NameKey, n.Contact, n.Title(), n.Province, n.City, n.District,
		n.Address, n.Adcode, n.USCC, n.CreatedAt, n.Owner, n.Gender(), n.Notes} {
		b = appendString(b, s)
	}
	for _, list := range [][]string{n.Emails, n.SourceIDs} {
		b = binary.AppendUvarint(b, uint64(len(list)))
		for _, s := range list {
			b = appendString(b, s)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(n.Phones)))
	for _, p := range n.Phones {
		b = appendString(b, p.E164)
		b = appendString(b, p.Ext)
		b = appendString(b, string(p.Type))
		if p.Own {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
		b = binary.AppendVarint(b, int64(p.Col))
		b = appendString(b, p.Input)
	}
	for _, tl := range [...]struct {
		tag  byte
		list []string
	}{{tagShort, n.ShortMobiles()}, {tagOwner, n.OwnerPhones()}} {
		if len(tl.list) > 0 {
			b = append(b, tl.tag)
			b = binary.AppendUvarint(b, uint64(len(tl.list)))
			for _, s := range tl.list {
				b = appendString(b, s)
			}
		}
	}
	if r.ContactID != "" {
		b = append(b, tagContact)
		b = appendString(b, r.ContactID)
	}
	if r.Prov.RowEnd != 0 {
		b = append(b, tagRowEnd)
		b = binary.AppendVarint(b, int64(r.Prov.RowEnd))
	}
	if r.SameAs != "" {
		b = append(b, tagSameAs)
		b = appendString(b, r.SameAs)
	}
	if slices.ContainsFunc(r.Issues, func(is record.Issue) bool { return !is.Msg.IsZero() }) {
		b = append(b, tagMsgs)
		b = binary.AppendUvarint(b, uint64(len(r.Issues)))
		for _, is := range r.Issues {
			b = appendString(b, string(is.Msg.ID))
			b = binary.AppendUvarint(b, uint64(len(is.Msg.Args)))
			for _, s := range is.Msg.Args {
				b = appendString(b, s)
			}
		}
	}
	return b
}

// TestRowCodecSharesStrings checks the shared form on a row like those of
// a real sheet: strings the row repeats are written once, shared ones by
// id, and a second row of the same sheet adds no shared string.
func TestRowCodecSharesStrings(t *testing.T) {
	row := func(n int, name, addr string) Row {
		return Row{Fingerprint: "fp", Reason: fmt.Sprintf("same customer as 客户台账.xlsx, sheet \"华东\", row %d", n),
			Values: []record.Value{
				record.NewValue(record.FieldName, 1, "*客户名称", name, name),
				record.NewValue("address", 2, "详细地址", addr, " "+addr),
				record.NewValue("phone", 3, "手机", "139-1234-5678", "139-1234-5678"),
			},
			Norm: record.Normalized{Kind: record.Company, Name: name, NameKey: name[len("上海市"):][:12], Province: "上海市", City: "上海市",
				Address: addr[len("上海市浦东新区"):], Phones: []record.Phone{{E164: "+8613912345678", Type: record.Mobile, Col: 3, Input: "139-1234-5678"}}},
		}
	}
	ids := newStringIDs(nil)
	first := row(14, "上海市信禾科技有限公司", "上海市浦东新区文化路368号")
	b1 := appendRow(nil, &first, ids)
	shared := len(ids.added)
	second := row(15, "上海市恒丰电子有限公司", "上海市浦东新区胜利路12号")
	b2 := appendRow(nil, &second, ids)
	if len(ids.added) != shared {
		t.Errorf("second row added shared strings %q", ids.added[shared:])
	}
	plain := appendRowPlain(nil, &second)
	if len(b2) > len(plain)*6/10 {
		t.Errorf("shared form %d bytes, plain %d: want at most 60%%", len(b2), len(plain))
	}
	for i, c := range []struct {
		b    []byte
		want Row
	}{{b1, first}, {b2, second}} {
		got := Row{Fingerprint: "fp"}
		if err := decodeRow(c.b, &got, ids.added); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, got, c.want)
		}
	}
}
