package pipeline

import (
	"slices"
	"strings"
	"sync"
	"testing"
)

// stageLog records the stages a run reports, and whether each ended
// before the next began.
type stageLog struct {
	mu     sync.Mutex
	stages []string
	open   string
	errs   []string
}

func (l *stageLog) Stage(name string, _ int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open != "" {
		l.errs = append(l.errs, "stage "+name+" began before "+l.open+" was done")
	}
	l.stages, l.open = append(l.stages, name), name
}

func (l *stageLog) Done() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open = ""
}

func (l *stageLog) Add(int64) {}

// TestStagesCoverTheRun checks the stages a batch run, a first state run
// and a re-run report, in order, each done before the next: the CLI prints
// each stage's wall and CPU time from them, so a step of the run outside
// every stage is time nobody sees (a re-run once spent most of its time
// loading the state with nothing on the screen).
func TestStagesCoverTheRun(t *testing.T) {
	e := newSyncEnv(t)
	run := func(name string, mod ...func(*Config)) []string {
		t.Helper()
		log := &stageLog{}
		e.run(append(mod, func(c *Config) { c.Progress = log })...)
		if log.open != "" {
			log.errs = append(log.errs, "stage "+log.open+" never done")
		}
		for _, err := range log.errs {
			t.Errorf("%s: %s", name, err)
		}
		return log.stages
	}
	batch := run("batch run", func(c *Config) { c.State = "" })
	first := run("first state run")
	e.write("新增客户.csv", "客户名称,手机,备注\n甘肃陇原星辰测试贸易有限公司,13919190001,新客户\n")
	rerun := run("re-run", func(c *Config) { c.ChangesOnly = true })

	for _, tc := range []struct {
		name      string
		got, want []string
	}{
		{"batch run", batch, []string{"read", "match", "golden records", "write"}},
		{"first state run", first, []string{"load state", "read", "match", "golden records", "customer ids", "changes", "write", "save state"}},
		{"re-run", rerun, []string{"load state", "read", "stored rows", "match", "golden records", "customer ids", "changes", "write", "save state"}},
	} {
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("%s: stages\n  %s\nwant\n  %s", tc.name, strings.Join(tc.got, ", "), strings.Join(tc.want, ", "))
		}
	}
}
