// Loads prometheus-adapter configs with prometheus-adapter's own loader (pkg/config.FromYAML).
package main

import (
	"fmt"
	"os"

	"sigs.k8s.io/prometheus-adapter/pkg/config"
)

func main() {
	status := 0
	for _, f := range os.Args[1:] {
		b, err := os.ReadFile(f)
		if err == nil {
			_, err = config.FromYAML(b)
		}
		if err != nil {
			fmt.Printf("%s\tINVALID\t%v\n", f, err)
			status = 1
		} else {
			fmt.Printf("%s\tOK\n", f)
		}
	}
	os.Exit(status)
}
