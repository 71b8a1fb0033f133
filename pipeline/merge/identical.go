package merge

import "github.com/crmclean/crmclean/pipeline/record"

// FollowIdentical gives each row identical to an earlier row of its sheet
// (record.SameAs), which was neither cleaned nor matched, the outcome of
// that row: merged into its customer and its contact, which count it
// among their rows, or rejected for the same errors. It takes that row's
// normalized values, so that figures per row stay what cleaning it would
// have made, but not its warnings: those are reported once. A row already rejected (as stored by
// an earlier run), or whose first row is not among rows, keeps the lineage
// it has.
//
// Identical rows cost what reading them costs: a sheet of 600,000 copies
// of one row is one row to match, one customer and no review pair among
// the copies (TestIdenticalRowsCostOnce in package pipeline).
func FollowIdentical(rows []*record.Record, customers []*Customer) {
	var copies []*record.Record
	firsts := map[string]*record.Record{}
	for _, r := range rows {
		if r.SameAs != "" {
			copies = append(copies, r)
			firsts[r.SameAs] = nil
		}
	}
	if len(copies) == 0 {
		return
	}
	for _, r := range rows {
		if _, ok := firsts[r.Fingerprint]; ok && r.SameAs == "" {
			firsts[r.Fingerprint] = r
		}
	}
	owner := map[*record.Record]*Customer{}
	contact := map[*record.Record]*Contact{}
	for _, c := range customers {
		for _, r := range c.Rows {
			if r.Fingerprint != "" && firsts[r.Fingerprint] == r {
				owner[r] = c
			}
		}
		for i := range c.Contacts {
			for _, r := range c.Contacts[i].Rows {
				if r.Fingerprint != "" && firsts[r.Fingerprint] == r {
					contact[r] = &c.Contacts[i]
				}
			}
		}
	}
	for _, r := range copies {
		first := firsts[r.SameAs]
		if first == nil || r.Status != record.Merged {
			continue
		}
		switch first.Status {
		case record.Kept, record.Merged:
			c := owner[first]
			if c == nil {
				continue
			}
			r.Norm = first.Norm
			r.Status, r.Reason, r.CustomerID = record.Merged, ReasonIdentical+first.Prov.String(), first.CustomerID
			c.Rows = append(c.Rows, r)
			r.ContactID = ""
			if ct := contact[first]; ct != nil {
				r.ContactID = ct.ID
				ct.Rows = append(ct.Rows, r)
			}
		case record.Rejected:
			r.Norm = first.Norm
			r.Status, r.Reason, r.CustomerID, r.ContactID = record.Rejected, ReasonIdentical+first.Prov.String()+", rejected with it: "+first.Reason, "", ""
			for _, is := range first.Issues {
				if is.Severity == record.Error {
					r.AddIssue(is)
				}
			}
		}
	}
}

// ReasonIdentical begins the lineage reason of a row identical to an
// earlier row of its sheet; the place of that row follows.
const ReasonIdentical = "identical to "
