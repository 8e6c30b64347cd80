// Command ferretdb-id-index gives every collection of a FerretDB v1 SQLite database an index
// that FerretDB's own `_id` lookups can use.
//
// FerretDB v1.24 looks documents up by `_ferretdb_sjson->'$._id'` (find, update, delete by
// `_id`), but the unique index it creates for `_id` is on `_ferretdb_sjson->"_id"`. SQLite uses
// an expression index only for the very same expression, so every lookup by `_id` scans the
// table: its cost grows with the collection. This program adds, beside FerretDB's index, one on
// the expression FerretDB queries with, to every table FerretDB has created, and keeps doing so
// for tables created later. FerretDB does not know about the extra index and does not need to:
// SQLite maintains it on every write and drops it with its table.
//
// Usage: ferretdb-id-index --dir <FerretDB's --sqlite-url directory> [--interval 500ms] [--once]
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	_ "modernc.org/sqlite"
)

const suffix = "__acd_id_path"

func main() {
	dir := flag.String("dir", "", "directory holding FerretDB's *.sqlite databases")
	interval := flag.Duration("interval", 500*time.Millisecond, "how often to look for new tables")
	once := flag.Bool("once", false, "index what exists now and exit")
	flag.Parse()
	if *dir == "" {
		log.Fatal("--dir is required")
	}
	log.SetFlags(log.LstdFlags | log.LUTC)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	dbs := map[string]*sql.DB{}
	defer func() {
		for _, db := range dbs {
			_ = db.Close()
		}
	}()
	for {
		if err := pass(*dir, dbs); err != nil {
			log.Printf("pass failed (retrying): %v", err)
		}
		if *once {
			return
		}
		select {
		case <-stop:
			return
		case <-time.After(*interval):
		}
	}
}

// pass indexes every table of every database in dir that lacks the index.
func pass(dir string, dbs map[string]*sql.DB) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil {
		return err
	}
	for _, file := range files {
		db, ok := dbs[file]
		if !ok {
			// FerretDB already put the file in WAL mode; a busy timeout lets this program wait
			// for FerretDB's writers instead of failing.
			db, err = sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
			if err != nil {
				return err
			}
			db.SetMaxOpenConns(1)
			dbs[file] = db
		}
		if err := indexDatabase(db, filepath.Base(file)); err != nil {
			// A database FerretDB dropped between the glob and now: forget it.
			_ = db.Close()
			delete(dbs, file)
			return fmt.Errorf("%s: %w", filepath.Base(file), err)
		}
	}
	return nil
}

func indexDatabase(db *sql.DB, name string) error {
	missing, err := tablesWithoutIndex(db)
	if err != nil {
		return err
	}
	for _, table := range missing {
		started := time.Now()
		q := fmt.Sprintf(
			`CREATE INDEX IF NOT EXISTS %s ON %s (_ferretdb_sjson->'$._id')`,
			quote(table+suffix), quote(table),
		)
		if _, err := db.Exec(q); err != nil {
			if strings.Contains(err.Error(), "no such table") {
				continue // dropped meanwhile
			}
			return err
		}
		log.Printf("indexed _id of %s in %s (%s)", table, name, time.Since(started).Round(time.Millisecond))
	}
	return nil
}

// tablesWithoutIndex lists FerretDB's collection tables that do not have the index yet.
func tablesWithoutIndex(db *sql.DB) ([]string, error) {
	rows, err := db.Query(`
		SELECT t.name FROM sqlite_master t
		WHERE t.type = 'table'
		  AND t.name IN (SELECT table_name FROM _ferretdb_collections)
		  AND NOT EXISTS (
		    SELECT 1 FROM sqlite_master i WHERE i.type = 'index' AND i.name = t.name || ?
		  )`, suffix)
	if err != nil {
		if strings.Contains(err.Error(), "no such table: _ferretdb_collections") {
			return nil, nil // a database FerretDB is still creating
		}
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func quote(ident string) string {
	return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"`
}
