package name

import (
	"testing"

	"github.com/crmclean/crmclean/rules"
)

// TestDefaultRules checks that the built-in rules' tables are all usable.
func TestDefaultRules(t *testing.T) {
	r := rules.Default()
	opt := Options{
		LegalForms: r.Names.LegalForms, CompanyWords: r.Names.CompanyWords,
		BranchWords: r.Names.BranchWords, IndividualMarkers: r.Names.IndividualMarkers,
		Surnames: r.Pinyin.Surnames, PlaceWords: r.Pinyin.PlaceWords,
	}
	if err := opt.Validate(); err != nil {
		t.Fatalf("default rules: %v", err)
	}
	n := New(opt)
	if got := n.MatchKey("华信科技股份有限公司"); got != "华信科技" {
		t.Errorf("MatchKey with the default rules = %q, want 华信科技", got)
	}
}
