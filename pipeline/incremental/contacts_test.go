package incremental

import (
	"fmt"
	"maps"
	"testing"

	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
)

func TestContactIDs(t *testing.T) {
	derived := func(id string, n int) string {
		return merge.ContactID([]*record.Record{{Fingerprint: fmt.Sprintf("%s#%d", id, n)}})
	}
	// contact: a contact of this run as merge built it (its own id), and
	// the ids its rows had before.
	type contact struct {
		own    string
		before []string
	}
	tests := []struct {
		name       string
		customers  [][]contact
		want       []string          // the ids, contact by contact
		wantMerged map[string]string // ids merged into another
	}{
		{
			name:      "nothing stored: every contact keeps the id its rows derive",
			customers: [][]contact{{{own: "P1", before: []string{"", ""}}, {own: "P2", before: []string{""}}}},
			want:      []string{"P1", "P2"},
		},
		{
			name:      "a contact keeps the id its rows had, whatever rows it gained",
			customers: [][]contact{{{own: "P9", before: []string{"P1", ""}}}},
			want:      []string{"P1"},
		},
		{
			name:       "a contact whose rows had two ids keeps the one most had; the other is merged into it",
			customers:  [][]contact{{{own: "P9", before: []string{"P2", "P1", "P1"}}}},
			want:       []string{"P1"},
			wantMerged: map[string]string{"P2": "P1"},
		},
		{
			name:      "a contact split in two: the part holding the row its id derives from keeps it",
			customers: [][]contact{{{own: "P5", before: []string{"P1"}}}, {{own: "P1", before: []string{"P1"}}}},
			want:      []string{"P5", "P1"},
		},
		{
			name:      "an id another contact's rows had is never taken: a new one derives from the contact's own",
			customers: [][]contact{{{own: "P3", before: []string{""}}}, {{own: "P4", before: []string{"P3"}}}},
			want:      []string{derived("P3", 1), "P3"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prev := map[*record.Record]string{}
			var customers []*merge.Customer
			for _, cts := range tt.customers {
				c := &merge.Customer{}
				for _, ct := range cts {
					mc := merge.Contact{ID: ct.own}
					for i, id := range ct.before {
						r := &record.Record{Fingerprint: fmt.Sprintf("%s-%d", ct.own, i)}
						prev[r] = id
						mc.Rows = append(mc.Rows, r)
					}
					c.Contacts = append(c.Contacts, mc)
				}
				customers = append(customers, c)
			}
			merged := map[string]string{}
			ContactIDs(customers, func(r *record.Record) string { return prev[r] }, merged)
			var got []string
			for _, c := range customers {
				for _, ct := range c.Contacts {
					got = append(got, ct.ID)
					for _, r := range ct.Rows {
						if r.ContactID != ct.ID {
							t.Errorf("row %s names contact %s, its contact is %s", r.Fingerprint, r.ContactID, ct.ID)
						}
					}
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("ids %v, want %v", got, tt.want)
			}
			if tt.wantMerged == nil {
				tt.wantMerged = map[string]string{}
			}
			if !maps.Equal(merged, tt.wantMerged) {
				t.Errorf("merged %v, want %v", merged, tt.wantMerged)
			}
		})
	}
}
