package sink

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/crmclean/crmclean/pipeline/match"
	"github.com/crmclean/crmclean/pipeline/record"
)

// ReviewColumns are the columns of review.csv.
var ReviewColumns = []string{"pair_id", "score",
	"customer_id_a", "name_a", "contact_a", "mobile_a", "phones_a", "email_a", "address_a", "source_a",
	"customer_id_b", "name_b", "contact_b", "mobile_b", "phones_b", "email_b", "address_b", "source_b",
	"agreed", "disagreed", "evidence", "decision"}

// PairID derives a review pair's id from the two rows' fingerprints, in
// either order, so decisions survive re-runs and rule changes.
func PairID(a, b string) string {
	if b < a {
		a, b = b, a
	}
	sum := sha256.Sum256([]byte(a + "\x00" + b))
	return "P" + strings.ToUpper(hex.EncodeToString(sum[:])[:12])
}

// ReviewRow renders a doubtful pair as a review.csv row.
func ReviewRow(recs []*record.Record, p match.Pair) []string {
	a, b := recs[p.A], recs[p.B]
	var agreed, disagreed []string
	for _, e := range p.Evidence {
		switch {
		case e.Weight > 0:
			agreed = append(agreed, e.Field)
		case e.Weight < 0:
			disagreed = append(disagreed, e.Field)
		}
	}
	side := func(r *record.Record) []string {
		n := &r.Norm
		var phones []string
		for _, p := range n.Phones {
			phones = append(phones, p.Key())
		}
		mobile := ""
		if m := n.Mobiles(); len(m) > 0 {
			mobile = m[0]
		}
		email := ""
		if len(n.Emails) > 0 {
			email = n.Emails[0]
		}
		return []string{r.CustomerID, n.Name, n.Contact, mobile, strings.Join(phones, "|"), email,
			n.Province + n.City + n.District + n.Address, r.Prov.String()}
	}
	row := []string{PairID(a.Fingerprint, b.Fingerprint), fmt.Sprintf("%.1f", p.Score)}
	row = append(row, side(a)...)
	row = append(row, side(b)...)
	return append(row, strings.Join(agreed, ", "), strings.Join(disagreed, ", "), Evidence(p), "")
}

// WriteReview writes review.csv: the doubtful pairs with their evidence and
// an empty decision column (merge / keep, also 合并 / 不合并).
func WriteReview(dir string, recs []*record.Record, pairs []match.Pair) error {
	w, err := CreateCSV(filepath.Join(dir, "review.csv"), ReviewColumns, "mobile_a", "phones_a", "mobile_b", "phones_b")
	if err != nil {
		return err
	}
	for _, p := range pairs {
		if err := w.Write(ReviewRow(recs, p)); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}
