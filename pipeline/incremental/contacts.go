package incremental

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
)

// ContactIDs gives the contacts of a run's customers their stable ids,
// and their rows theirs: the id their rows had before (previous, "" for
// none), else the one their rows derive (merge.ContactID), never one
// another contact's rows had. A contact whose rows had several ids keeps
// its own among them if it is, else the one most of them had; the others,
// unless another contact's rows had them too (a contact split), are
// merged into it, noted in merged (id → the one it was merged into).
// customers must be in a deterministic order (by batch id).
func ContactIDs(customers []*merge.Customer, previous func(*record.Record) string, merged map[string]string) {
	holders := map[string]int{} // every id the rows of this run had → the contacts holding such rows
	for _, c := range customers {
		for i := range c.Contacts {
			for _, id := range previousIDs(&c.Contacts[i], previous) {
				holders[id]++
			}
		}
	}
	r := contactResolver{previous: previous, holders: holders, claimed: map[string]bool{}, merged: merged}
	resolved := map[*merge.Contact]bool{}
	// First the contacts whose own id their rows had: when a contact
	// splits, the part holding the row its id derives from keeps it.
	for _, c := range customers {
		for i := range c.Contacts {
			ct := &c.Contacts[i]
			if r.claimed[ct.ID] || !slices.Contains(previousIDs(ct, previous), ct.ID) {
				continue
			}
			r.keep(ct, ct.ID)
			resolved[ct] = true
		}
	}
	for _, c := range customers {
		for i := range c.Contacts {
			ct := &c.Contacts[i]
			if !resolved[ct] {
				ct.ID = r.resolve(ct)
			}
			for _, row := range ct.Rows {
				row.ContactID = ct.ID
			}
		}
	}
}

// previousIDs lists the distinct ids the rows of ct had, most rows first,
// then by id.
func previousIDs(ct *merge.Contact, previous func(*record.Record) string) []string {
	count := map[string]int{}
	var ids []string
	for _, r := range ct.Rows {
		if id := previous(r); id != "" {
			if count[id] == 0 {
				ids = append(ids, id)
			}
			count[id]++
		}
	}
	slices.SortFunc(ids, func(a, b string) int { return cmp.Or(cmp.Compare(count[b], count[a]), cmp.Compare(a, b)) })
	return ids
}

// contactResolver hands out the contact ids of one run.
type contactResolver struct {
	previous func(*record.Record) string
	holders  map[string]int    // ids the rows of the run had → contacts holding such rows
	claimed  map[string]bool   // ids given this run, or merged
	merged   map[string]string // ids merged into another → that one
}

// keep gives ct the id id, and merges into it the other ids its rows had
// that no other contact's rows had.
func (r *contactResolver) keep(ct *merge.Contact, id string) {
	r.claimed[id] = true
	for _, other := range previousIDs(ct, r.previous) {
		if other != id && !r.claimed[other] && r.holders[other] == 1 {
			r.claimed[other], r.merged[other] = true, id
		}
	}
}

// resolve picks the id of a contact not resolved by its own id: the id
// most of its rows had that no other contact claimed, else its own unless
// another contact had it, else one derived from it.
func (r *contactResolver) resolve(ct *merge.Contact) string {
	for _, id := range previousIDs(ct, r.previous) {
		if !r.claimed[id] {
			r.keep(ct, id)
			return id
		}
	}
	id := ct.ID
	for n := 1; r.claimed[id] || r.holders[id] > 0; n++ {
		id = merge.ContactID([]*record.Record{{Fingerprint: fmt.Sprintf("%s#%d", ct.ID, n)}})
	}
	r.claimed[id] = true
	return id
}
