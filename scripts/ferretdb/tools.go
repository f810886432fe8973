//go:build tools

// Package tools pins the FerretDB server this project runs as its embedded
// MongoDB-compatible store (docs/storage.md). It is built with
// `go build github.com/FerretDB/FerretDB/cmd/ferretdb`; nothing here is linked.
package tools

import _ "github.com/FerretDB/FerretDB/cmd/ferretdb"
