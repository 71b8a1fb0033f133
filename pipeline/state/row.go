package state

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/crmclean/crmclean/pipeline/record"
)

// SensitiveField is the field of values from sensitive columns (ID card and
// bank account numbers…); their text never reaches the state file.
const SensitiveField = "sensitive"

// Row is one source row as stored: its identity, where it came from, its
// lineage and everything a later run needs to skip reading and normalizing
// it again.
type Row struct {
	Fingerprint string
	Prov        record.Provenance
	Status      record.Status
	Reason      string
	CustomerID  string // empty unless kept or merged
	SameAs      string // record.SameAs: the fingerprint of the row it is identical to
	ContactID   string // the contact the row names, if any (record.Record.ContactID)
	ContentHash string // hash of the raw cells, see ContentHash
	Values      []record.Value
	Issues      []record.Issue
	Norm        record.Normalized
	FirstRun    int64 // set by the store
	LastRun     int64 // set by the store

	// Indexed says Keys and SortKey are given and replace the stored ones
	// (match.BlockKeys): Lookup finds the row by them. A row written
	// without it keeps the keys it had (or has none, when new).
	Indexed bool
	Keys    []uint64 // blocking keys
	SortKey string   // pinyin sort key of the sorted-neighbourhood pass
}

// positional marks the key of a row that has no fingerprint (a skipped
// title, blank or footer row): it is keyed by its position instead, which is
// stable as long as its file is unchanged.
const positional = "@"

// RowOf turns a record into a storable row. Values and issues of sensitive
// columns are kept with their header and column but without their text. A
// record without a fingerprint (a skipped row) is keyed by its position.
func RowOf(r *record.Record) Row {
	row := Row{
		Fingerprint: KeyOf(r),
		Prov:        r.Prov,
		Status:      r.Status,
		Reason:      r.Reason,
		CustomerID:  r.CustomerID,
		SameAs:      r.SameAs,
		ContactID:   r.ContactID,
		ContentHash: ContentHash(r),
		Norm:        r.Norm,
	}
	if !slices.ContainsFunc(r.Values, func(v record.Value) bool { return v.Field() == SensitiveField }) &&
		!slices.ContainsFunc(r.Issues, func(is record.Issue) bool { return is.Field == SensitiveField }) {
		// Nothing to blank: the row shares the record's values and issues
		// rather than copying them (a first run stores every row).
		row.Values, row.Issues = r.Values, r.Issues
		return row
	}
	sensitive := map[int]bool{}
	row.Values = make([]record.Value, 0, len(r.Values))
	for _, v := range r.Values {
		if v.Field() == SensitiveField {
			sensitive[v.Col()] = true
			v = v.WithText("", "")
		}
		row.Values = append(row.Values, v)
	}
	if len(r.Issues) > 0 {
		row.Issues = make([]record.Issue, 0, len(r.Issues))
	}
	for _, is := range r.Issues {
		if is.Field == SensitiveField || (is.Col >= 0 && sensitive[is.Col]) {
			is.Value, is.Fix = "", ""
		}
		row.Issues = append(row.Issues, is)
	}
	return row
}

// KeyOf returns the fingerprint RowOf(r) stores r under, without the rest
// of RowOf's work.
func KeyOf(r *record.Record) string {
	if r.Fingerprint != "" {
		return r.Fingerprint
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%d", r.Prov.File, r.Prov.Sheet, r.Prov.Row))
	return positional + hex.EncodeToString(sum[:10])
}

// Record turns a stored row back into a record for the pipeline's later
// stages. Sensitive values come back empty.
func (r Row) Record() *record.Record {
	fp := r.Fingerprint
	if strings.HasPrefix(fp, positional) {
		fp = ""
	}
	return &record.Record{
		Prov:        r.Prov,
		Fingerprint: fp,
		Values:      r.Values,
		Issues:      r.Issues,
		Norm:        r.Norm,
		Status:      r.Status,
		Reason:      r.Reason,
		CustomerID:  r.CustomerID,
		SameAs:      r.SameAs,
		ContactID:   r.ContactID,
	}
}

// ContentHash hashes a row's raw cells (column, header and text as read),
// sensitive ones included. When a row's fingerprint comes from a source key
// column, an unchanged fingerprint with a changed content hash means the row
// was edited and must be normalized again.
func ContentHash(r *record.Record) string {
	h := sha256.New()
	var n [8]byte
	for _, v := range r.Values {
		binary.LittleEndian.PutUint64(n[:], uint64(v.Col()))
		h.Write(n[:])
		for _, s := range []string{v.Header(), v.Raw()} {
			binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
			h.Write(n[:])
			h.Write([]byte(s))
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// packHash is how a content hash is stored: its 16 bytes rather than its
// 32 hex digits (rows written before hold the digits; hashColumn reads
// both). A hash of another form is stored as given.
func packHash(h string) any {
	if len(h) != 32 {
		return h
	}
	b, err := hex.DecodeString(h)
	if err != nil || hex.EncodeToString(b) != h {
		return h // not lower-case hex
	}
	return b
}

// hashColumn scans the content_hash column into a hex string.
type hashColumn struct{ dst *string }

func (h hashColumn) Scan(v any) error {
	switch v := v.(type) {
	case string:
		*h.dst = v
	case []byte:
		if len(v) == 16 {
			*h.dst = hex.EncodeToString(v)
		} else {
			*h.dst = string(v)
		}
	default:
		return fmt.Errorf("content hash of type %T", v)
	}
	return nil
}

// rowData is the JSON form of a row's payload, with short keys: at a
// million rows every byte of key is a megabyte of file.
type rowData struct {
	Reason string      `json:"r,omitempty"`
	Values []valueData `json:"v,omitempty"`
	Issues []issueData `json:"i,omitempty"`
	Norm   normData    `json:"n"`
}

type valueData struct {
	Field  string  `json:"f,omitempty"`
	Col    int     `json:"c"`
	Header string  `json:"h,omitempty"`
	Text   string  `json:"t,omitempty"`
	Raw    *string `json:"w,omitempty"` // nil when equal to Text
}

type issueData struct {
	Field    string          `json:"f,omitempty"`
	Col      int             `json:"c"`
	Header   string          `json:"h,omitempty"`
	Value    string          `json:"v,omitempty"`
	Rule     string          `json:"r,omitempty"`
	Severity record.Severity `json:"s,omitempty"`
	Message  string          `json:"m,omitempty"`
	Fix      string          `json:"x,omitempty"`
}

type phoneData struct {
	E164  string           `json:"e,omitempty"`
	Ext   string           `json:"x,omitempty"`
	Type  record.PhoneType `json:"t,omitempty"`
	Own   bool             `json:"o,omitempty"`
	Col   int              `json:"c"`
	Input string           `json:"i,omitempty"`
}

type normData struct {
	Kind      record.Kind `json:"k,omitempty"`
	Name      string      `json:"n,omitempty"`
	NameKey   string      `json:"nk,omitempty"`
	Contact   string      `json:"c,omitempty"`
	Title     string      `json:"t,omitempty"`
	Phones    []phoneData `json:"p,omitempty"`
	Short     []string    `json:"sm,omitempty"`
	OwnerPh   []string    `json:"op,omitempty"`
	Emails    []string    `json:"e,omitempty"`
	Province  string      `json:"pv,omitempty"`
	City      string      `json:"ci,omitempty"`
	District  string      `json:"d,omitempty"`
	Address   string      `json:"a,omitempty"`
	Adcode    string      `json:"ac,omitempty"`
	USCC      string      `json:"u,omitempty"`
	CreatedAt string      `json:"ca,omitempty"`
	SourceIDs []string    `json:"s,omitempty"`
	Owner     string      `json:"o,omitempty"`
	Gender    string      `json:"g,omitempty"`
	Notes     string      `json:"no,omitempty"`
}

// encodeRow returns the payload of r for the data column, in the shared
// form but with every string that is not repeated in the row spelled out
// (as with a strings table that is empty): for tests.
func encodeRow(r *Row) ([]byte, error) {
	return appendRow(make([]byte, 0, 512), r, nil), nil
}

// encodeRowJSON is how versions before the binary form stored a row; kept
// for tests of reading old state files.
func encodeRowJSON(r *Row) ([]byte, error) {
	d := rowData{Reason: r.Reason}
	for _, v := range r.Values {
		vd := valueData{Field: v.Field(), Col: v.Col(), Header: v.Header(), Text: v.Text()}
		if raw := v.Raw(); raw != v.Text() {
			vd.Raw = &raw
		}
		d.Values = append(d.Values, vd)
	}
	for _, is := range r.Issues {
		d.Issues = append(d.Issues, issueData{Field: is.Field, Col: is.Col, Header: is.Header, Value: is.Value,
			Rule: is.Rule, Severity: is.Severity, Message: is.Message, Fix: is.Fix})
	}
	n := r.Norm
	d.Norm = normData{Kind: n.Kind, Name: n.Name, NameKey: n.NameKey, Contact: n.Contact, Title: n.Title(),
		Emails: n.Emails, Province: n.Province, City: n.City, District: n.District, Address: n.Address,
		Adcode: n.Adcode, USCC: n.USCC, CreatedAt: n.CreatedAt, SourceIDs: n.SourceIDs, Owner: n.Owner,
		Gender: n.Gender(), Notes: n.Notes, Short: n.ShortMobiles(), OwnerPh: n.OwnerPhones()}
	for _, p := range n.Phones {
		d.Norm.Phones = append(d.Norm.Phones, phoneData(p))
	}
	return json.Marshal(d)
}

// decodeRow fills r's payload from the data column, binary or (written
// by an earlier version) JSON; dict holds the shared strings (Store.strings).
func decodeRow(b []byte, r *Row, dict []string) error {
	if len(b) > 0 && (b[0] == codecBinary || b[0] == codecShared) {
		return decodeRowBinary(b, r, dict)
	}
	r.ContactID, r.Prov.RowEnd, r.SameAs = "", 0, "" // JSON rows have none
	return decodeRowJSON(b, r)
}

func decodeRowJSON(b []byte, r *Row) error {
	var d rowData
	if err := json.Unmarshal(b, &d); err != nil {
		return fmt.Errorf("row %s: damaged data: %w", r.Fingerprint, err)
	}
	r.Reason = d.Reason
	r.Values = nil
	for _, v := range d.Values {
		raw := v.Text
		if v.Raw != nil {
			raw = *v.Raw
		}
		r.Values = append(r.Values, record.NewValue(v.Field, v.Col, v.Header, v.Text, raw))
	}
	r.Issues = nil
	for _, is := range d.Issues {
		r.Issues = append(r.Issues, record.Issue{Field: is.Field, Col: is.Col, Header: is.Header, Value: is.Value,
			Rule: is.Rule, Severity: is.Severity, Message: is.Message, Fix: is.Fix})
	}
	n := d.Norm
	r.Norm = record.Normalized{Kind: n.Kind, Name: n.Name, NameKey: n.NameKey, Contact: n.Contact,
		Emails: n.Emails, Province: n.Province, City: n.City, District: n.District, Address: n.Address,
		Adcode: n.Adcode, USCC: n.USCC, CreatedAt: n.CreatedAt, SourceIDs: n.SourceIDs, Owner: n.Owner,
		Notes: n.Notes}
	r.Norm.SetTitle(n.Title)
	r.Norm.SetGender(n.Gender)
	r.Norm.SetShortMobiles(n.Short)
	r.Norm.SetOwnerPhones(n.OwnerPh)
	for _, p := range n.Phones {
		r.Norm.Phones = append(r.Norm.Phones, record.Phone(p))
	}
	return nil
}

// HashFile returns the content hash of an input file as stored in File:
// a later run compares it to skip reading a file that did not change. Only
// a regular file is hashed: a FIFO would block for ever, a device such as
// /dev/zero never end.
func HashFile(path string) (string, error) {
	if st, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("hash input file: %w", err)
	} else if !st.Mode().IsRegular() {
		return "", fmt.Errorf("hash input file %s: not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("hash input file: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("hash input file %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
