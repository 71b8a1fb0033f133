package report

import (
	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
)

// aggregates are the figures of the quality score, the field table, the
// address rates and the phone mix, counted in one pass over the data rows
// and one over the customers. They were seven passes: at a million rows a
// pass costs mostly the fetching of every row from memory.
type aggregates struct {
	data, customers int

	score, customerScore scoreSum
	byFile               map[string]*scoreSum // the score of each source file's rows

	filled, valid, after []int // per fieldChecks: rows filled, rows valid as written, customers filled

	withAddress     int    // rows with any address cell
	rowAddress      [4]int // of those: province, city, district, adcode resolved
	customerAddress [4]int // customers with a province, city, district, adcode

	phones                              PhoneMix // the counts only
	rowsWithMobile, customersWithMobile int

	repairs repairs // the row's being counted, in a buffer reused for every row
}

func aggregate(data []*record.Record, customers []*merge.Customer) *aggregates {
	a := &aggregates{data: len(data), customers: len(customers), byFile: map[string]*scoreSum{},
		filled: make([]int, len(fieldChecks)), valid: make([]int, len(fieldChecks)), after: make([]int, len(fieldChecks))}
	for _, r := range data {
		a.addRow(r)
	}
	for _, c := range customers {
		a.addCustomer(c)
	}
	return a
}

func (a *aggregates) addRow(r *record.Record) {
	a.repairs = appendRepairs(a.repairs[:0], r)
	rp := a.repairs
	t := writtenTermsOf(r, rp)
	a.score.add(t)
	f := a.byFile[r.Prov.File]
	if f == nil {
		f = &scoreSum{}
		a.byFile[r.Prov.File] = f
	}
	f.add(t)

	for i, fc := range fieldChecks {
		if fc.filled(r) {
			a.filled[i]++
			if fc.valid(r) && validAsWritten(r, rp, fc.field) {
				a.valid[i]++
			}
		}
	}

	n := &r.Norm
	if hasAddress(r) {
		a.withAddress++
		a.rowAddress[0] += b2i(n.Province != "")
		a.rowAddress[1] += b2i(n.City != "")
		a.rowAddress[2] += b2i(n.District != "")
		a.rowAddress[3] += b2i(n.Adcode != "")
	}

	a.rowsWithMobile += b2i(len(n.Mobiles()) > 0)
	pm := &a.phones
	for _, p := range n.Phones {
		switch p.Type {
		case record.Mobile:
			pm.Mobile++
		case record.Landline:
			pm.Landline++
		case record.Service:
			pm.Service++
		default:
			pm.Other++
		}
	}
	for _, is := range r.Issues {
		if is.Rule == "phone.invalid" || is.Rule == "phone.no_number" {
			pm.Invalid++
		}
	}
}

func (a *aggregates) addCustomer(c *merge.Customer) {
	a.customerScore.add(customerTerms(c))
	for i, fc := range fieldChecks {
		if fc.after(c) {
			a.after[i]++
		}
	}
	a.customerAddress[0] += b2i(c.Province != "")
	a.customerAddress[1] += b2i(c.City != "")
	a.customerAddress[2] += b2i(c.District != "")
	a.customerAddress[3] += b2i(c.Adcode != "")
	a.customersWithMobile += b2i(c.Mobile != "")
}
