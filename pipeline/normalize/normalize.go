// Package normalize fills a record's canonical values (record.Normalized)
// from its mapped cells, using one small package per kind of value: text,
// phone, address, name, email and date. Each finding travels with the record
// as an Issue that points at the column it concerns.
package normalize

import (
	"fmt"
	"iter"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/unicode/norm"

	"github.com/crmclean/crmclean/pipeline/msg"
	"github.com/crmclean/crmclean/pipeline/normalize/address"
	"github.com/crmclean/crmclean/pipeline/normalize/date"
	"github.com/crmclean/crmclean/pipeline/normalize/email"
	"github.com/crmclean/crmclean/pipeline/normalize/name"
	"github.com/crmclean/crmclean/pipeline/normalize/phone"
	"github.com/crmclean/crmclean/pipeline/normalize/text"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/rules"
)

// Normalizer normalizes records with one rule set. It is safe for
// concurrent use.
type Normalizer struct {
	phones *phone.Parser
	names  *name.Namer
	emails *email.Normalizer
	dates  date.Options
	roles  []string // role notes after a contact's name (代理, 经理)
	// orgHeaders caches organisationHeader by header text: a sheet has
	// few headers and every row asks again.
	orgHeaders sync.Map
}

// New builds a Normalizer from the rules.
func New(r *rules.Rules) (*Normalizer, error) {
	p, err := phone.New(phone.Options{Region: r.Phone.Region, OwnMarkers: r.Phone.OwnMarkers})
	if err != nil {
		return nil, err
	}
	nameOpts := name.Options{
		LegalForms:        r.Names.LegalForms,
		CompanyWords:      r.Names.CompanyWords,
		BranchWords:       r.Names.BranchWords,
		IndividualMarkers: r.Names.IndividualMarkers,
		Regions:           address.RegionNames(),
		Places:            address.PlaceNames(),
		BrandLike:         address.BrandLikeRegions(),
		Surnames:          r.Pinyin.Surnames,
		PlaceWords:        r.Pinyin.PlaceWords,
	}
	if err := nameOpts.Validate(); err != nil {
		return nil, fmt.Errorf("rules pinyin section: %w", err)
	}
	return &Normalizer{
		phones: p,
		names:  name.New(nameOpts),
		emails: email.New(email.Options{DomainFixes: r.Email.DomainFixes, FreeDomains: r.Email.FreeDomains}),
		dates:  date.Options{TimeZone: r.Dates.TimeZone},
		roles:  byLength(r.Names.ContactRoles),
	}, nil
}

// Namer returns the name handling used, for matching.
func (n *Normalizer) Namer() *name.Namer { return n.names }

// Emails returns the e-mail normalizer used, for matching.
func (n *Normalizer) Emails() *email.Normalizer { return n.emails }

// Apply fills rec.Norm and appends the issues found. Rows that are not data
// (skipped or already rejected) are left alone.
func (n *Normalizer) Apply(rec *record.Record) {
	if rec.Status == record.Skipped || rec.Status == record.Rejected {
		return
	}
	out := &rec.Norm
	// Each step below reads the values of its fields; the fields the row
	// has at all are found in one pass, so that the steps for the others
	// (often most of them) do not scan the row.
	has := fieldsOf(rec)
	if has&(hasProvince|hasCity|hasDistrict|hasAddress) != 0 {
		n.address(rec, out)
	}
	named := false // the kind was read from the name column
	if has&(hasName|hasContact) != 0 {
		named = n.name(rec, out)
	}
	if has&hasPhone != 0 {
		n.phone(rec, out)
	}
	if has&hasOwnerPhone != 0 {
		// Our staff member's number: kept apart, never the customer's.
		for v := range values(rec, record.FieldOwnerPhone) {
			for _, p := range n.phones.Parse(v.Text(), phone.Context{City: out.City}).Phones {
				out.SetOwnerPhones(appendUnique(out.OwnerPhones(), p.E164))
			}
		}
	}
	if has&hasEmail != 0 {
		n.email(rec, out)
	}
	if has&hasUSCC != 0 {
		n.uscc(rec, out)
		if named && out.Kind == record.Person && out.USCC != "" {
			// A unified social credit code is an organisation's: a short
			// name read as a person for its surname (申通, 蓝翔) is a company.
			out.Kind = record.Company
			if out.Contact == out.Name {
				out.Contact = "" // it was the name taken as the contact
			}
		}
	}
	if has&hasCreatedAt != 0 {
		n.created(rec, out)
	}
	if has&hasSourceID != 0 {
		for v := range values(rec, record.FieldSourceID) {
			out.SourceIDs = appendUnique(out.SourceIDs, v.Text())
		}
	}
	if has&(hasOwner|hasGender|hasNotes|hasTitle) != 0 {
		out.Owner = rec.Get(record.FieldOwner)
		out.SetGender(rec.Get(record.FieldGender))
		out.Notes = rec.Get(record.FieldNotes)
		if t := rec.Get(record.FieldTitle); t != "" {
			out.SetTitle(t) // a title column wins over a role written after the contact's name
		}
	}
}

// byLength sorts a copy of words longest first, so that the longest role
// is taken off a contact (总经理 before 经理).
func byLength(words []string) []string {
	out := append([]string(nil), words...)
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// fieldSet is a set of the canonical fields Apply reads, one bit each.
type fieldSet uint16

const (
	hasName fieldSet = 1 << iota
	hasContact
	hasPhone
	hasSourceID
	hasEmail
	hasProvince
	hasCity
	hasDistrict
	hasAddress
	hasCreatedAt
	hasOwner
	hasNotes
	hasUSCC
	hasGender
	hasTitle
	hasOwnerPhone
)

// fieldsOf returns the fields of rec's non-empty values.
func fieldsOf(rec *record.Record) fieldSet {
	var set fieldSet
	for _, v := range rec.Values {
		if v.Text() != "" {
			set |= fieldBit(v.Field())
		}
	}
	return set
}

// fieldBit returns the bit of a field Apply reads, or 0 for any other.
func fieldBit(field string) fieldSet {
	switch field {
	case record.FieldName:
		return hasName
	case record.FieldContact:
		return hasContact
	case record.FieldPhone:
		return hasPhone
	case record.FieldSourceID:
		return hasSourceID
	case record.FieldEmail:
		return hasEmail
	case record.FieldProvince:
		return hasProvince
	case record.FieldCity:
		return hasCity
	case record.FieldDistrict:
		return hasDistrict
	case record.FieldAddress:
		return hasAddress
	case record.FieldCreatedAt:
		return hasCreatedAt
	case record.FieldOwner:
		return hasOwner
	case record.FieldNotes:
		return hasNotes
	case record.FieldUSCC:
		return hasUSCC
	case record.FieldGender:
		return hasGender
	case record.FieldTitle:
		return hasTitle
	case record.FieldOwnerPhone:
		return hasOwnerPhone
	}
	return 0
}

// issue attaches a finding from a value normalizer to the column of v.
func issue(rec *record.Record, v record.Value, field string, is record.Issue) {
	is.Field, is.Col, is.Header = field, v.Col(), v.Header()
	if is.Value == "" {
		is.Value = v.Raw()
	}
	rec.AddIssue(is)
}

func (n *Normalizer) address(rec *record.Record, out *record.Normalized) {
	var in address.Input
	var first record.Value // the first address-part value, for issues
	found := false
	pick := func(field string, dst *string) {
		count := 0
		for v := range values(rec, field) {
			if count++; count == 1 {
				*dst = text.ToSimplified(v.Text())
			} else {
				*dst += " " + text.ToSimplified(v.Text())
			}
			if !found {
				first, found = v, true
			}
		}
	}
	pick(record.FieldProvince, &in.Province)
	pick(record.FieldCity, &in.City)
	pick(record.FieldDistrict, &in.District)
	pick(record.FieldAddress, &in.Address)
	if !found {
		return
	}
	res := address.Resolve(in)
	out.Province, out.City, out.District, out.Address, out.Adcode = res.Province, res.City, res.District, res.Detail, res.Adcode
	at := first // issues point at the address column where there is one
	if a := firstValue(rec, record.FieldAddress); a.Text() != "" {
		at = a
	}
	for _, is := range res.Issues {
		issue(rec, at, "address", is)
	}
}

// name fills the kind, name, contact and name key; named says the kind was
// read from the name column (not taken from a contact alone).
func (n *Normalizer) name(rec *record.Record, out *record.Normalized) (named bool) {
	nameVal := firstValue(rec, record.FieldName)
	contactVal := firstValue(rec, record.FieldContact)
	nm := text.ToSimplified(nameVal.Text())
	contact := text.ToSimplified(contactVal.Text())
	if n.names.IsIndividualMarker(nm) {
		nm = ""
	}
	if contact != "" {
		var role string
		if contact, role = splitRole(contact, n.roles); role != "" {
			out.SetTitle(role)
		}
	}
	switch {
	case nm == "" && contact != "":
		out.Kind = record.Person
		out.Name = n.names.Display(contact)
		out.Contact = out.Name
	case nm != "":
		out.Kind, out.Name = n.names.KindAndDisplay(nm, contact != "" && contact != nm)
		if out.Kind == record.Person && n.organisationHeader(nameVal.Header()) && n.names.BySurnameAlone(nm) {
			// 申通 under 公司名称: the header says what the column holds,
			// which outweighs a surname character.
			out.Kind = record.Company
		}
		if contact != "" {
			out.Contact = n.names.Display(contact)
		} else if out.Kind == record.Person {
			out.Contact = out.Name
		}
	}
	if out.Kind == record.Company {
		out.NameKey = n.names.MatchKey(out.Name)
	} else if out.Name != "" {
		out.NameKey = n.names.MatchKey(out.Name)
	}
	return nm != ""
}

// organisationWords in a name column's header say the column holds
// organisations (公司名称, 单位, 供应商, Company Name), not people.
var organisationWords = []string{"公司", "单位", "企业", "商户", "商家", "机构", "店铺", "店名", "厂家", "厂商",
	"供应商", "经销商", "代理商", "加盟商", "company", "organization", "organisation", "enterprise", "firm", "employer"}

// organisationHeader reports whether a name column's header says it holds
// organisations.
func (n *Normalizer) organisationHeader(header string) bool {
	if header == "" {
		return false
	}
	if v, ok := n.orgHeaders.Load(header); ok {
		return v.(bool)
	}
	h := strings.ToLower(text.ToSimplified(norm.NFKC.String(header)))
	org := slices.ContainsFunc(organisationWords, func(w string) bool { return strings.Contains(h, w) })
	n.orgHeaders.Store(header, org)
	return org
}

func (n *Normalizer) phone(rec *record.Record, out *record.Normalized) {
	ctx := phone.Context{City: out.City}
	base := len(out.Phones) // phones before base were not found here
	for v := range values(rec, record.FieldPhone) {
		res := n.phones.Parse(v.Text(), ctx)
		if len(out.Phones) == 0 && len(res.Phones) == 1 {
			// The common cell: one number, nothing to merge with. Keep the
			// parser's fresh slice rather than copying it.
			res.Phones[0].Col = v.Col()
			out.Phones = res.Phones[:1:1]
			for _, is := range res.Issues {
				issue(rec, v, record.FieldPhone, is)
			}
			continue
		}
		for _, s := range res.Short {
			out.SetShortMobiles(appendUnique(out.ShortMobiles(), s))
		}
	next:
		for _, p := range res.Phones {
			p.Col = v.Col()
			for i := base; i < len(out.Phones); i++ {
				if samePhone(out.Phones[i], p) {
					out.Phones[i].Own = out.Phones[i].Own || p.Own
					continue next
				}
			}
			out.Phones = append(out.Phones, p)
		}
		for _, is := range res.Issues {
			issue(rec, v, record.FieldPhone, is)
		}
	}
}

func (n *Normalizer) email(rec *record.Record, out *record.Normalized) {
	for v := range values(rec, record.FieldEmail) {
		for _, res := range n.emails.NormalizeAll(v.Text()) {
			if res.Valid {
				out.Emails = appendUnique(out.Emails, res.Email)
			}
			if res.Issue != nil {
				issue(rec, v, record.FieldEmail, *res.Issue)
			}
		}
	}
}

func (n *Normalizer) uscc(rec *record.Record, out *record.Normalized) {
	for v := range values(rec, record.FieldUSCC) {
		code, ok := name.NormalizeUSCC(v.Text())
		if ok {
			out.USCC = code
			return
		}
		issue(rec, v, record.FieldUSCC, record.NewIssue(record.Issue{Rule: "uscc.invalid", Severity: record.Warning}, msg.New("uscc.invalid")))
	}
}

func (n *Normalizer) created(rec *record.Record, out *record.Normalized) {
	for v := range values(rec, record.FieldCreatedAt) {
		iso, ok := date.Parse(v.Text(), n.dates)
		if ok {
			out.CreatedAt = iso
			return
		}
		issue(rec, v, record.FieldCreatedAt, record.NewIssue(record.Issue{Rule: "date.invalid", Severity: record.Warning}, msg.New("date.invalid")))
	}
}

// samePhone reports a.Key() == b.Key() without building the keys.
func samePhone(a, b record.Phone) bool {
	if a.Ext == "" && b.Ext == "" {
		return a.E164 == b.E164
	}
	return a.Key() == b.Key()
}

// values yields the values rec.All(field) returns without collecting them.
func values(rec *record.Record, field string) iter.Seq[record.Value] {
	return func(yield func(record.Value) bool) {
		for _, v := range rec.Values {
			if v.Field() == field && v.Text() != "" && !yield(v) {
				return
			}
		}
	}
}

func firstValue(rec *record.Record, field string) record.Value {
	for _, v := range rec.Values {
		if v.Field() == field && v.Text() != "" {
			return v
		}
	}
	return record.NewValue("", -1, "", "", "")
}

func appendUnique(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
