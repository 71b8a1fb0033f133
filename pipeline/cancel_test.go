package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crmclean/crmclean/rules"
)

// TestProcessCancelled checks that a cancelled run (Ctrl-C) stops with the
// context's error instead of hanging, whether it is cancelled before it
// starts or while it reads.
func TestProcessCancelled(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("客户名称,联系人,手机,地址\n")
	for i := range 60000 {
		fmt.Fprintf(&b, "华信科技%d有限公司,张伟,138%08d,浙江省杭州市西湖区文三路%d号\n", i, i, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "big.csv"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, delay := range []time.Duration{0, 20 * time.Millisecond} {
		ctx, cancel := context.WithCancel(context.Background())
		if delay == 0 {
			cancel()
		} else {
			time.AfterFunc(delay, cancel)
		}
		done := make(chan error, 1)
		go func() {
			_, err := prepare(ctx, Config{Inputs: []string{dir}, Rules: rules.Default(), Workers: 2})
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("cancel after %v: err = %v, want context.Canceled", delay, err)
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("cancel after %v: Process did not return", delay)
		}
		cancel()
	}
}
