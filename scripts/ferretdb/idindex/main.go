// Command idindex makes FerretDB 1.24's _id look-ups use an index on its SQLite backend.
//
// FerretDB pushes a filter on _id down to SQLite as `WHERE _ferretdb_sjson->'$._id' = ?`, but
// creates its own _id index on the expression `_ferretdb_sjson->"_id"`. SQLite only uses an
// expression index for the identical expression, so every _id look-up scans the whole table and
// the intake upsert slows down linearly with the number of stored documents. This command adds,
// to each collection table of a data folder, an index on the expression the queries use. It only
// adds indexes (IF NOT EXISTS); SQLite drops them with their table, and FerretDB never sees them.
//
// Usage: idindex <sqlite data folder>
package main

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite"
)

func indexFile(path string) (int, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return 0, err
	}
	defer db.Close()

	rows, err := db.Query(`SELECT table_name FROM "_ferretdb_collections"`)
	if err != nil {
		return 0, err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return 0, err
		}
		tables = append(tables, t)
	}
	rows.Close()

	for _, t := range tables {
		name := "odsc_id_" + t
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, name, t)
		if _, err := db.Exec(q); err != nil {
			return 0, fmt.Errorf("%s: %w", t, err)
		}
		// Check that SQLite plans FerretDB's _id query with the new index.
		var id, parent, notused int
		var detail string
		plan := fmt.Sprintf(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM %q WHERE _ferretdb_sjson->'$._id' = ?`, t)
		if err := db.QueryRow(plan, `"x"`).Scan(&id, &parent, &notused, &detail); err != nil {
			return 0, fmt.Errorf("%s: explain: %w", t, err)
		}
		if !strings.Contains(detail, name) {
			return 0, fmt.Errorf("%s: _id query does not use the index: %s", t, detail)
		}
	}
	return len(tables), nil
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: idindex <sqlite data folder>")
		os.Exit(2)
	}
	files, err := filepath.Glob(filepath.Join(os.Args[1], "*.sqlite"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	total := 0
	for _, f := range files {
		n, err := indexFile(f)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", f, err)
			os.Exit(1)
		}
		total += n
	}
	fmt.Printf("_id indexes ensured and used on %d collections in %d databases\n", total, len(files))
}
