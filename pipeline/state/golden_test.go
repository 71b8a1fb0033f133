package state

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/crmclean/crmclean/pipeline/merge"
	"github.com/crmclean/crmclean/pipeline/record"
)

func TestGoldenOf(t *testing.T) {
	rec := fixtureRecord("a.xlsx", 2, fixtureName, fixturePhone, "C1")
	c := &merge.Customer{ID: "C1", Name: fixtureName, Mobile: fixturePhone,
		Sensitive: map[string]string{"身份证号": fixtureID}, Rows: []*record.Record{rec}}
	b, err := GoldenOf(c)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), fixtureID) {
		t.Errorf("golden record holds a sensitive value: %s", b)
	}
	var back merge.Customer
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.ID != "C1" || back.Name != fixtureName || back.Mobile != fixturePhone || back.Rows != nil {
		t.Errorf("golden record back as %+v", back)
	}
	var fps struct {
		RowFingerprints []string `json:"row_fingerprints"`
	}
	if err := json.Unmarshal(b, &fps); err != nil || len(fps.RowFingerprints) != 1 || fps.RowFingerprints[0] != rec.Fingerprint {
		t.Errorf("golden record lists rows %v, want [%s] (%v)", fps.RowFingerprints, rec.Fingerprint, err)
	}
	if c.Sensitive == nil || len(c.Rows) != 1 {
		t.Error("GoldenOf changed the customer it was given")
	}
}
