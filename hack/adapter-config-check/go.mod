module scaleddemo.dev/adapter-config-check

go 1.22.1

require sigs.k8s.io/prometheus-adapter v0.12.0

require (
	github.com/prometheus/common v0.46.0 // indirect
	gopkg.in/yaml.v2 v2.4.0 // indirect
)
