package pipeline

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/crmclean/crmclean/pipeline/state"
)

// learnTrades are trade names unlike one another: the pairs built from
// them never match across.
var learnTrades = []string{"松柏", "蓝海", "青山", "金桥", "银河", "星辰", "长城", "泰山", "黄鹤", "白云",
	"紫光", "红日", "绿洲", "南极", "北斗", "中原", "远航", "飞跃", "卓越", "精诚",
	"博雅", "嘉禾", "丰收", "海纳", "山川", "凯旋", "腾龙", "锦绣", "春晖", "秋实"}

// TestSyncLearnsPatterns runs a project through a round of decisions: 30
// pairs of one evidence pattern go to review; 25 are decided merge; the
// next run matches every row again and merges the other 5 by the pattern;
// forgetting the pattern asks them again, remembering it settles them
// again.
func TestSyncLearnsPatterns(t *testing.T) {
	e := newSyncEnv(t)
	if err := os.RemoveAll(e.sheets); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(e.sheets, 0o700); err != nil {
		t.Fatal(err)
	}
	var a, b strings.Builder
	a.WriteString("客户名称,地址,手机\n")
	b.WriteString("客户名称,地址\n")
	for i, tr := range learnTrades {
		fmt.Fprintf(&a, "杭州%s物流有限公司,浙江省杭州市西湖区,1391234%04d\n", tr, i)
		fmt.Fprintf(&b, "杭州%s物流有限公司,浙江省杭州市西湖区\n", tr)
	}
	e.write("a.csv", a.String())
	e.write("b.csv", b.String())

	first, _ := e.run()
	review := first.Match.Review
	if len(review) != len(learnTrades) {
		t.Fatalf("first run: %d review pairs, want %d (one per company)", len(review), len(learnTrades))
	}
	code := review[0].Pattern
	var ds []state.Decision
	for _, p := range review[:25] {
		if p.Pattern != code {
			t.Fatalf("review pairs show patterns %q and %q: the test needs one", code, p.Pattern)
		}
		k := state.PairKey(first.Matched[p.A].Fingerprint, first.Matched[p.B].Fingerprint)
		ds = append(ds, state.Decision{A: k[0], B: k[1], Verdict: state.Merge, Source: "test", At: time.Now()})
	}
	storeDecisions(t, e.state, ds...)

	learned, _ := e.run()
	if !learned.Sync.Relearned {
		t.Error("the run after 25 decisions did not match every row again")
	}
	if n := len(learned.Match.Review); n != 0 {
		t.Errorf("after 25 merge decisions: %d review pairs, want the other 5 merged by the pattern", n)
	}
	if len(learned.Customers) != len(learnTrades) {
		t.Errorf("after 25 merge decisions: %d customers, want %d", len(learned.Customers), len(learnTrades))
	}
	if l := learned.Match.Learned; len(l) != 1 || l[0].Pattern != code || l[0].Merged != 25 || l[0].Applied != 5 {
		t.Errorf("learned %+v, want 25 merges of %q applied to 5 pairs", l, code)
	}
	if again, _ := e.run(); again.Sync.Relearned {
		t.Error("a run with the same decisions matched every row again")
	}

	forget := func(forget bool) {
		st, err := state.Open(context.Background(), e.state)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := st.ForgetPattern(context.Background(), code, forget); err != nil {
			t.Fatal(err)
		}
	}
	forget(true)
	asked, _ := e.run()
	if n := len(asked.Match.Review); n != 5 {
		t.Errorf("pattern forgotten: %d review pairs, want the 5 undecided", n)
	}
	forget(false)
	if settled, _ := e.run(); len(settled.Match.Review) != 0 || len(settled.Customers) != len(learnTrades) {
		t.Errorf("pattern remembered: %d review pairs, %d customers; want 0 and %d", len(settled.Match.Review), len(settled.Customers), len(learnTrades))
	}
}
