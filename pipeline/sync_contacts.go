package pipeline

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/crmclean/crmclean/pipeline/incremental"
	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
	"github.com/crmclean/crmclean/pipeline/state"
)

// Contacts keep their ids between incremental runs as customers do: a
// contact keeps the id its rows had (stored with each row), whatever rows
// it gains or loses, and changes.csv says which contacts are new, updated,
// merged into another or retired. Customers and rows stored before contacts
// had ids are read as if the current crmclean had written them: their
// contacts get the ids it computes from their stored rows.

// settingContactChanges lists the contact lines of the latest run's
// changes.csv that its customers' lines do not imply (see
// defaultContactChange), so that a run whose outputs never appeared is
// republished with them.
const settingContactChanges = "golden.contact_changes"

// defaultContactChange is the change of a contact of a customer whose
// change is customer, unless the run says otherwise: the contacts of a new
// customer are new, those of any other unchanged.
func defaultContactChange(customer string) string {
	if customer == state.ChangeNew {
		return state.ChangeNew
	}
	return state.ChangeUnchanged
}

// contactIDs gives the contacts of this run's customers their stable ids:
// the id their rows had before, else the one their rows derive
// (merge.ContactID), never one another contact's rows had. A contact whose
// rows had several ids keeps its own among them if it is, else the one
// most of them had; the others, unless another contact's rows had them
// too (a contact split), are merged into it. customers are in a
// deterministic order (by batch id).
func (s *runner) contactIDs(ctx context.Context, customers []*merge.Customer) error {
	legacy, err := s.legacyContactOfRows(ctx)
	if err != nil {
		return err
	}
	previous := func(r *record.Record) string {
		if p, ok := s.prior[r.Fingerprint]; ok && p.contact != "" {
			return p.contact
		}
		return legacy[r.Fingerprint]
	}
	incremental.ContactIDs(customers, previous, s.contactMerged)
	return nil
}

// legacyContactOfRows gives the rows of this run stored before contacts
// had ids, that named a contact, the id the current crmclean gives that
// contact in the customer they were stored in.
func (s *runner) legacyContactOfRows(ctx context.Context) (map[string]string, error) {
	var ids []string
	for _, p := range s.prior {
		if p.legacy && !slices.Contains(ids, p.customer) {
			ids = append(ids, p.customer)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	contacts, err := s.legacyContacts(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, cts := range contacts {
		for _, ct := range cts {
			for _, r := range ct.Rows {
				out[r.Fingerprint] = ct.ID
			}
		}
	}
	return out, nil
}

// legacyContacts rebuilds, from their stored rows, the contacts of stored
// customers ids as the current crmclean makes them, with the judgements
// of numbers the state holds; the rows' stored contact ids win. They are
// kept for the run (s.legacy).
func (s *runner) legacyContacts(ctx context.Context, ids []string) (map[string][]merge.Contact, error) {
	var todo []string
	for _, id := range ids {
		if _, ok := s.legacy[id]; !ok {
			todo = append(todo, id)
		}
	}
	out := make(map[string][]merge.Contact, len(ids))
	if len(todo) > 0 {
		rows, err := s.store.RowsOfCustomers(ctx, todo, nil)
		if err != nil {
			return nil, err
		}
		groups := map[string][]*record.Record{}
		for _, row := range rows {
			if row.Status == record.Kept || row.Status == record.Merged {
				groups[row.CustomerID] = append(groups[row.CustomerID], row.Record())
			}
		}
		merger := newMerger(s.cfg, s.norm, notOwnOf(s.numbers), sharedOf(s.numbers))
		for _, id := range todo {
			var cts []merge.Contact
			if rs := groups[id]; len(rs) > 0 {
				cts = buildWithStoredContacts(merger, rs).Contacts
			}
			s.legacy[id] = cts
		}
	}
	for _, id := range ids {
		out[id] = s.legacy[id]
	}
	return out, nil
}

// buildWithStoredContacts builds the customer of stored rows, its contacts
// under the ids their rows were stored with (the id most of a contact's
// rows had, the smallest on ties; the derived one for rows stored without).
func buildWithStoredContacts(merger *merge.Merger, rows []*record.Record) *merge.Customer {
	stored := make(map[*record.Record]string, len(rows))
	for _, r := range rows {
		stored[r] = r.ContactID
	}
	c := merger.Build(rows)
	for i := range c.Contacts {
		ct := &c.Contacts[i]
		count := map[string]int{}
		for _, r := range ct.Rows {
			if id := stored[r]; id != "" {
				count[id]++
			}
		}
		best := ""
		for id, n := range count {
			if best == "" || n > count[best] || n == count[best] && id < best {
				best = id
			}
		}
		if best != "" {
			ct.ID = best
			for _, r := range ct.Rows {
				r.ContactID = best
			}
		}
	}
	return c
}

// contactChanges works out the contact lines of changes.csv that the
// customers' lines do not imply: contacts new in an updated customer, or
// that existed in a new one; contacts updated; contacts merged into
// another or retired. changes are the customers' lines.
func (s *runner) contactChanges(ctx context.Context, changes []state.CustomerChange) ([]state.ContactChange, error) {
	change := make(map[string]string, len(changes))
	var before []string // stored customers that changed
	for _, c := range changes {
		change[c.ID] = c.Change
		if c.Change != state.ChangeNew && c.Change != state.ChangeUnchanged {
			before = append(before, c.ID)
		}
	}
	old, err := s.storedContacts(ctx, before)
	if err != nil {
		return nil, err
	}
	var out []state.ContactChange
	now := map[string]bool{}
	for _, c := range s.res.Customers {
		cc := change[c.ID]
		if cc != state.ChangeNew && cc != state.ChangeUpdated {
			continue
		}
		for _, ct := range c.Contacts {
			now[ct.ID] = true
			was, existed := old[ct.ID]
			got := incremental.ContactChange(existed, existed && was.customer == c.ID && sameContact(&was.contact, &ct))
			if got != defaultContactChange(cc) {
				out = append(out, state.ContactChange{Customer: c.ID, ID: ct.ID, Change: got})
			}
		}
	}
	for id, h := range old {
		if now[id] {
			continue
		}
		if into, ok := s.contactMerged[id]; ok {
			out = append(out, state.ContactChange{Customer: h.customer, ID: id, Change: state.ChangeMerged, MergedInto: into})
		} else {
			out = append(out, state.ContactChange{Customer: h.customer, ID: id, Change: state.ChangeRetired})
		}
	}
	sortContactChanges(out)
	return out, nil
}

// heldContact is a contact as the state holds it, with its customer.
type heldContact struct {
	customer string
	contact  merge.Contact
}

// storedContacts are the contacts the state holds of the stored customers
// ids, by contact id; those of customers stored before contacts had ids
// get the ids the current crmclean gives them, each compared with what
// was written of it.
func (s *runner) storedContacts(ctx context.Context, ids []string) (map[string]heldContact, error) {
	old := map[string]heldContact{}
	goldens, err := s.store.Goldens(ctx, ids)
	if err != nil {
		return nil, err
	}
	legacy := map[string][]merge.Contact{} // the stored contacts of customers stored before contacts had ids
	var legacyIDs []string
	for _, id := range ids {
		b, ok := goldens[id]
		if !ok {
			continue // purged: nothing to compare with
		}
		g, err := state.ParseGolden(b)
		if err != nil {
			return nil, fmt.Errorf("customer %s: %w", id, err)
		}
		if g.Legacy() {
			legacy[id], legacyIDs = g.Contacts, append(legacyIDs, id)
			continue
		}
		for _, ct := range g.Contacts {
			old[ct.ID] = heldContact{id, ct}
		}
	}
	if len(legacyIDs) == 0 {
		return old, nil
	}
	byCustomer, err := s.legacyContacts(ctx, legacyIDs)
	if err != nil {
		return nil, err
	}
	for _, id := range legacyIDs {
		for _, ct := range byCustomer[id] {
			old[ct.ID] = heldContact{id, writtenAs(ct, legacy[id])}
		}
	}
	return old, nil
}

// writtenAs is the contact of stored that ct, rebuilt from the same rows,
// was written as by a crmclean whose contacts had no ids: the one of its
// name, else of another name its rows write (a variant now joined to it);
// ct itself if none.
func writtenAs(ct merge.Contact, stored []merge.Contact) merge.Contact {
	found := -1
	for i, s := range stored {
		if s.Name == ct.Name {
			found = i
			break
		}
		if found < 0 && slices.ContainsFunc(ct.Rows, func(r *record.Record) bool { return r.Norm.Contact == s.Name }) {
			found = i
		}
	}
	if found < 0 {
		return ct
	}
	return stored[found]
}

// sameContact compares what contacts.csv shows of two contacts.
func sameContact(a, b *merge.Contact) bool {
	return a.Name == b.Name && a.Mobile == b.Mobile && slices.Equal(a.Phones, b.Phones) &&
		slices.Equal(a.SharedPhones, b.SharedPhones) && a.Email == b.Email && a.Title == b.Title
}

// contactLines lists the contact lines of changes.csv: every contact of
// customers, with its change (explicit, else implied by its customer's:
// changes), and the contacts gone; unchanged ones are left out with
// changesOnly.
func contactLines(customers []*merge.Customer, changes []state.CustomerChange, explicit []state.ContactChange, changesOnly bool) []state.ContactChange {
	change := make(map[string]string, len(changes))
	for _, c := range changes {
		change[c.ID] = c.Change
	}
	given := make(map[string]bool, len(explicit))
	for _, x := range explicit {
		given[x.ID] = true
	}
	out := slices.Clone(explicit)
	for _, c := range customers {
		for _, ct := range c.Contacts {
			if given[ct.ID] {
				continue
			}
			x := defaultContactChange(change[c.ID])
			if x == state.ChangeUnchanged && changesOnly {
				continue
			}
			out = append(out, state.ContactChange{Customer: c.ID, ID: ct.ID, Change: x})
		}
	}
	if changesOnly {
		out = slices.DeleteFunc(out, func(x state.ContactChange) bool { return x.Change == state.ChangeUnchanged })
	}
	sortContactChanges(out)
	return out
}

func sortContactChanges(list []state.ContactChange) {
	slices.SortFunc(list, func(a, b state.ContactChange) int {
		return cmp.Or(cmp.Compare(a.Customer, b.Customer), cmp.Compare(a.ID, b.ID))
	})
}

// setContactChanges fills the result's contact lines and their counts.
func (s *runner) setContactChanges(explicit []state.ContactChange) {
	s.info.ContactChanges = contactLines(s.res.Customers, s.info.Changes, explicit, s.cfg.ChangesOnly)
	s.info.ContactCounts = map[string]int{}
	for _, c := range s.info.ContactChanges {
		s.info.ContactCounts[c.Change]++
	}
}

// loadContactChanges reads the explicit contact lines of the latest run.
func loadContactChanges(ctx context.Context, store *state.Store) ([]state.ContactChange, error) {
	b, err := store.Setting(ctx, settingContactChanges)
	if err != nil || b == nil {
		return nil, err
	}
	var out []state.ContactChange
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("read the contact changes in the state: %w", err)
	}
	return out, nil
}

// carryContacts adds to this run's explicit contact lines those of the run
// committed after the last published one (s.since) whose outputs never
// appeared (stored with it, carried from any such run before it), as
// carry does for customers: a contact it created stays new, one it merged
// or retired stays so unless this run's line says otherwise, and the
// contacts of a customer that is new since the last published run are all
// new. changes are the customer lines, carried.
func (s *runner) carryContacts(ctx context.Context, explicit []state.ContactChange, changes []state.CustomerChange) ([]state.ContactChange, error) {
	if s.snap.Last == nil || s.snap.Last.ID <= s.since {
		return explicit, nil
	}
	earlier, err := loadContactChanges(ctx, s.store)
	if err != nil {
		return nil, err
	}
	customer := make(map[string]string, len(changes))
	for _, c := range changes {
		customer[c.ID] = c.Change
	}
	at := make(map[string]int, len(explicit))
	for i, x := range explicit {
		at[x.ID] = i
	}
	out := slices.Clone(explicit)
	for _, e := range earlier {
		i, listed := at[e.ID]
		if !listed {
			out = append(out, e)
			continue
		}
		if now := out[i].Change; now != state.ChangeMerged && now != state.ChangeRetired && e.Change == state.ChangeNew {
			out[i].Change = state.ChangeNew
		}
	}
	// A new customer's contacts are new: its line says so for them all.
	out = slices.DeleteFunc(out, func(x state.ContactChange) bool {
		return customer[x.Customer] == state.ChangeNew && x.Change != state.ChangeMerged && x.Change != state.ChangeRetired
	})
	sortContactChanges(out)
	return out, nil
}
