using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Gateway.Clusters.Model;

namespace Gateway.Clusters.Tls;

/// <summary>The DNS, email, URI and IP subject alt names of a certificate, as Envoy's generalNameAsString gives them.</summary>
internal static class SubjectAltNames
{
    private const string ExtensionOid = "2.5.29.17";

    public static List<(SubjectAltNameType Type, string Value)> Of(X509Certificate2 certificate)
    {
        var names = new List<(SubjectAltNameType, string)>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != ExtensionOid)
            {
                continue;
            }

            try
            {
                var sequence = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
                while (sequence.HasData)
                {
                    var tag = sequence.PeekTag();
                    switch (tag.TagClass == TagClass.ContextSpecific ? tag.TagValue : -1)
                    {
                        case 1:
                            names.Add((SubjectAltNameType.Email, sequence.ReadCharacterString(UniversalTagNumber.IA5String, tag)));
                            break;
                        case 2:
                            names.Add((SubjectAltNameType.Dns, sequence.ReadCharacterString(UniversalTagNumber.IA5String, tag)));
                            break;
                        case 6:
                            names.Add((SubjectAltNameType.Uri, sequence.ReadCharacterString(UniversalTagNumber.IA5String, tag)));
                            break;
                        case 7:
                            var bytes = sequence.ReadOctetString(tag);
                            if (bytes.Length is 4 or 16)
                            {
                                names.Add((SubjectAltNameType.IpAddress, new IPAddress(bytes).ToString()));
                            }

                            break;
                        default:
                            sequence.ReadEncodedValue();
                            break;
                    }
                }
            }
            catch (AsnContentException)
            {
                // A malformed extension names nothing: the certificate then matches no SAN matcher.
            }
        }

        return names;
    }
}
