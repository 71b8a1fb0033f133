//go:build tools

// Temporary: keeps the chosen dependencies in go.mod while packages are written.
package main

import (
	_ "github.com/longbridgeapp/opencc"
	_ "github.com/mozillazg/go-pinyin"
	_ "github.com/nyaruka/phonenumbers"
	_ "github.com/schollz/progressbar/v3"
	_ "github.com/xuri/excelize/v2"
	_ "go.yaml.in/yaml/v3"
	_ "golang.org/x/sync/errgroup"
	_ "golang.org/x/term"
	_ "golang.org/x/text/encoding/simplifiedchinese"
	_ "golang.org/x/text/unicode/norm"
)
