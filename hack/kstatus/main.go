// kstatus: prints the kstatus result (sigs.k8s.io/cli-utils/pkg/kstatus/status.Compute, what Flux and
// cli-utils' `kapply` wait on) of every object read from stdin, YAML or JSON, several documents or a List.
// One JSON line per object: {"kind","namespace","name","status","message"}. Test tooling only.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

type line struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	Message   string `json:"message"`
}

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "kstatus:", err)
		os.Exit(2)
	}
}

func run(in io.Reader, out io.Writer) error {
	dec := yaml.NewYAMLOrJSONDecoder(in, 4096)
	enc := json.NewEncoder(out)
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		// apimachinery's json: integers become int64, as kstatus expects (encoding/json makes them float64)
		var obj map[string]interface{}
		if err := utiljson.Unmarshal(raw, &obj); err != nil {
			return err
		}
		if obj == nil {
			continue
		}
		u := &unstructured.Unstructured{Object: obj}
		items := []unstructured.Unstructured{*u}
		if u.IsList() {
			list, err := u.ToList()
			if err != nil {
				return err
			}
			items = list.Items
		}
		for i := range items {
			res, err := status.Compute(&items[i])
			if err != nil {
				return fmt.Errorf("%s %s/%s: %w", items[i].GetKind(), items[i].GetNamespace(), items[i].GetName(), err)
			}
			if err := enc.Encode(line{items[i].GetKind(), items[i].GetNamespace(), items[i].GetName(),
				res.Status.String(), res.Message}); err != nil {
				return err
			}
		}
	}
}
