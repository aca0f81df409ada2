package main

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// checkMetadata: names, namespaces, labels and annotations as the API server checks them on
// creation (apimachinery's own validation), which a strict decode does not: `Gateway` or
// `books_service` decode fine and are refused by the cluster. Pod templates' labels too, as
// selectors match them.
func checkMetadata(object runtime.Object) field.ErrorList {
	accessor, err := meta.Accessor(object)
	if err != nil {
		return field.ErrorList{field.InternalError(field.NewPath("metadata"), err)}
	}
	name := apivalidation.NameIsDNSSubdomain
	namespaced := true
	switch object.(type) {
	case *corev1.Namespace:
		name, namespaced = apivalidation.ValidateNamespaceName, false
	case *corev1.Service:
		name = apivalidation.NameIsDNS1035Label
	}
	problems := apivalidation.ValidateObjectMetaAccessor(accessor, namespaced, name, field.NewPath("metadata"))
	if template := podTemplateLabels(object); template != nil {
		problems = append(problems, metavalidation.ValidateLabels(template, field.NewPath("spec", "template", "metadata", "labels"))...)
	}
	return problems
}
