package state

import "sync"

// batch is the arguments of one statement of a batched insert: n rows'
// values, and the bytes of the payloads they point into.
type batch struct {
	n    int
	args []any
	buf  []byte
}

// batchesInFlight is how many batches overlapped fills ahead of the
// statements: enough to keep both goroutines busy, few enough that the
// arguments held stay small.
const batchesInFlight = 4

// overlapped runs fill on a goroutine of its own while exec runs the
// batches it fills here, in order: the encoding of a batch's rows (a
// third of a first run's save) overlaps the SQL of the batch before, on
// another core, as SQLite takes statements from one goroutine at a time.
// fill gets each batch to fill from next, empty, and hands it over with
// send; both return false when exec has failed, and fill then stops. The
// batches are reused, so fill must not keep a batch after sending it.
// overlapped returns exec's first error, after fill has returned.
func overlapped(fill func(next func() (*batch, bool), send func(*batch) bool), exec func(*batch) error) error {
	ready := make(chan *batch, batchesInFlight)
	free := make(chan *batch, batchesInFlight)
	for range batchesInFlight {
		free <- &batch{}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(ready)
		next := func() (*batch, bool) {
			select {
			case b := <-free:
				b.n, b.args, b.buf = 0, b.args[:0], b.buf[:0]
				return b, true
			case <-stop:
				return nil, false
			}
		}
		send := func(b *batch) bool {
			select {
			case ready <- b:
				return true
			case <-stop:
				return false
			}
		}
		fill(next, send)
	})
	var err error
	for b := range ready {
		if err == nil {
			if err = exec(b); err != nil {
				close(stop)
			}
		}
		clear(b.args) // hold no row's values past its statement
		free <- b     // never blocks: only batchesInFlight batches exist
	}
	wg.Wait()
	return err
}
