extension WireValue {
    /// The value as the API's XML form: a `<Response>` root, one child element per field, and each list as an
    /// element holding one singular, capitalised element per item (`<limits><Limit>…</Limit></limits>`).
    public var xmlDocument: String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>"
        writeXMLContent(to: &out, listItemName: "Item")
        out += "</Response>\n"
        return out
    }

    private func writeXMLContent(to out: inout String, listItemName: String) {
        switch self {
        case .null: break
        case .bool(let value): out += value ? "true" : "false"
        case .number(let text): out += text
        case .string(let text): Self.writeEscaped(text, to: &out)
        case .array(let items):
            for item in items {
                Self.writeElement(listItemName, item, to: &out)
            }
        case .object(let pairs):
            for pair in pairs {
                Self.writeElement(pair.key, pair.value, to: &out)
            }
        }
    }

    private static func writeElement(_ name: String, _ value: WireValue, to out: inout String) {
        let tag = xmlName(name)
        if case .null = value {
            out += "<\(tag)/>"
            return
        }
        out += "<\(tag)>"
        value.writeXMLContent(to: &out, listItemName: singularElementName(name))
        out += "</\(tag)>"
    }

    /// `limits` → `Limit`, `verifyAttempts` → `VerifyAttempt`, `entries` → `Entry`.
    static func singularElementName(_ listName: String) -> String {
        var singular = listName
        if singular.hasSuffix("ies") {
            singular = String(singular.dropLast(3)) + "y"
        } else if singular.hasSuffix("s") && singular.count > 1 {
            singular.removeLast()
        } else {
            singular = "Item"
        }
        return xmlName(singular.prefix(1).uppercased() + singular.dropFirst())
    }

    /// A key made safe as an element name: characters outside `A-Z a-z 0-9 _ - .` become `_`.
    private static func xmlName(_ key: String) -> String {
        var name = String(
            key.map { character in
                character.isASCII && (character.isLetter || character.isNumber || "_-.".contains(character))
                    ? character : "_"
            }
        )
        if name.isEmpty || name.first!.isNumber || name.first == "-" || name.first == "." { name = "_" + name }
        return name
    }

    private static func writeEscaped(_ text: String, to out: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20: out += "&#xFFFD;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
}
