package study

import "os"

// SetRowWriter replaces how Run writes a row's line to cfg.RowFile, so a
// test can die part-way through a write.
func SetRowWriter(cfg *Config, w func(f *os.File, i int, line []byte) (int, error)) { cfg.writeRow = w }
