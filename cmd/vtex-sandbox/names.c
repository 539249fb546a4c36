#include "names.h"
#include "rng.h"

static const struct department sb_departments[] = {
	{ 1, "Moda" }, { 2, "Eletrônicos" }, { 3, "Casa & Cozinha" }, { 4, "Beleza & Saúde" },
	{ 5, "Esporte & Lazer" }, { 6, "Livros" }, { 7, "Brinquedos" }, { 8, "Alimentos & Bebidas" },
};
static const size_t sb_ndepartments = NELEM(sb_departments);

const struct category sb_categories[] = {
	{ 10, 1, "Calçados", { "Tênis", "Sandália", "Bota", "Sapatênis" }, VAR_SHOES, 89, 799, 8 },
	{ 11, 1, "Roupas", { "Camiseta", "Calça Jeans", "Jaqueta", "Vestido", "Moletom" }, VAR_CLOTHING, 39, 499, 10 },
	{ 12, 1, "Acessórios", { "Mochila", "Relógio", "Óculos de Sol", "Boné" }, VAR_COLOR, 29, 1299, 6 },
	{ 20, 2, "Áudio", { "Fone de Ouvido", "Caixa de Som", "Soundbar" }, VAR_COLOR, 79, 2499, 4 },
	{ 21, 2, "TV & Vídeo", { "Smart TV 50\"", "Smart TV 65\"", "Projetor" }, VAR_VOLTAGE, 1499, 8999, 1 },
	{ 22, 2, "Informática", { "Notebook", "Monitor 27\"", "Teclado Mecânico", "Mouse sem Fio" }, VAR_NONE, 59, 7999, 2 },
	{ 30, 3, "Cozinha", { "Cafeteira", "Liquidificador", "Panela", "Air Fryer", "Caneca ☕" }, VAR_VOLTAGE, 19, 1199, 7 },
	{ 31, 3, "Cama, Mesa & Banho", { "Jogo de Cama", "Toalha de Banho", "Edredom" }, VAR_COLOR, 49, 699, 6 },
	{ 32, 3, "Decoração", { "Luminária", "Vaso Cerâmica", "Quadro", "Espelho" }, VAR_NONE, 29, 899, 5 },
	{ 40, 4, "Perfumaria", { "Perfume", "Desodorante", "Água de Colônia" }, VAR_VOLUME, 29, 899, 7 },
	{ 41, 4, "Cuidados com a Pele", { "Hidratante", "Protetor Solar FPS 50", "Sérum Facial" }, VAR_VOLUME, 19, 399, 8 },
	{ 50, 5, "Ciclismo", { "Bicicleta Aro 29", "Capacete", "Bomba de Ar" }, VAR_COLOR, 49, 5999, 2 },
	{ 51, 5, "Futebol", { "Bola", "Chuteira", "Camisa de Time" }, VAR_CLOTHING, 59, 699, 4 },
	{ 52, 5, "Camping", { "Barraca 4 Pessoas", "Saco de Dormir", "Lanterna" }, VAR_NONE, 39, 1499, 3 },
	{ 60, 6, "Ficção", { "Livro", "Box de Livros", "Graphic Novel" }, VAR_NONE, 19, 249, 8 },
	{ 61, 6, "Não-ficção", { "Livro", "Guia Prático", "Biografia" }, VAR_NONE, 19, 199, 6 },
	{ 70, 7, "Brinquedos", { "Quebra-cabeça 1000 Peças", "Boneca", "Carrinho", "Jogo de Tabuleiro" }, VAR_NONE, 29, 499, 6 },
	{ 80, 8, "Cafés & Chás", { "Café Especial 250g", "Chá Verde", "Cápsulas de Café" }, VAR_NONE, 12, 149, 9 },
	{ 81, 8, "Vinhos", { "Vinho Tinto", "Espumante Brut", "Vinho Branco" }, VAR_NONE, 39, 899, 5 },
};
const size_t sb_ncategories = NELEM(sb_categories);

const struct brand sb_brands[] = {
	{ 2000001, "Açaí & Cia", 1 },     { 2000002, "Bürger & Söhne", 1 }, { 2000003, "Ñandú", 1 },
	{ 2000004, "Kōbe Works", 1 },     { 2000005, "Lux Brand", 1 },      { 2000006, "Maré Alta", 1 },
	{ 2000007, "Pão de Mel", 1 },     { 2000008, "Œuvre", 1 },          { 2000009, "Ártico", 1 },
	{ 2000010, "Zé do Pé", 1 },       { 2000011, "Fjällräv Norte", 1 }, { 2000012, "Dragão Vermelho 龍", 1 },
	{ 2000013, "O'Neill & Filhos", 1 }, { 2000014, "Iguaçu", 1 },       { 2000015, "Pérola Negra", 1 },
	{ 2000016, "Tupã Eletro", 1 },    { 2000017, "Ýmir Outdoor", 1 },   { 2000018, "Marca Antiga", 0 },
};
const size_t sb_nbrands = NELEM(sb_brands);

const char *const sb_adjectives[] = {
	"Clássico", "Esportivo", "Premium", "Básico", "Confort", "Ultra", "Élite", "Vintage",
	"Orgânico", "Térmico", "Compacto", "Profissional", "Leve", "Retrô", "Urbano", "Essencial",
};
const size_t sb_nadjectives = NELEM(sb_adjectives);

const char *const sb_extras[] = {
	"", "", "", "", "", "", "Edição Limitada", "Kids", "Coleção Verão", "2ª Geração",
	"Kit Presente 🎁", "100% Algodão", "Leve 3 Pague 2", "Tam. Único", "— Outlet",
};
const size_t sb_nextras = NELEM(sb_extras);

const char *const sb_first_names[] = {
	"João", "José", "Maria", "Ana", "Luíza", "Thaís", "Inês", "Mônica", "Sebastião", "Conceição",
	"Pedro", "Lucas", "Gabriel", "Júlia", "Beatriz", "Letícia", "André", "Mariana", "Rafael", "Camila",
	"Zoë", "Søren", "Björn", "Łukasz", "Małgorzata", "Chloé", "François", "Hélène", "Jürgen", "Ñusta",
	"Renée", "Otávio", "Irênio", "Cauã", "Antônio", "Benedita", "Raí", "Anaïs", "Dmitri", "Владимир",
	"伟", "Ayşe", "Siobhán", "Fátima", "Ígor", "Nuño", "Mateus", "Carla", "Patrícia", "Vinícius",
};
const size_t sb_nfirst_names = NELEM(sb_first_names);

const char *const sb_last_names[] = {
	"Silva", "Santos", "Oliveira", "Souza", "Conceição", "Gonçalves", "Araújo", "Müller", "Núñez",
	"O'Brien", "D'Ávila", "Nakamura", "Østergaard", "Wiśniewski", "Çelik", "Đorđević", "Pereira",
	"Rodrigues", "Almeida", "Nascimento", "Lima", "Araújo Neto", "Fernandes", "Carvalho", "Gomes",
	"Martins", "Rocha", "Ribeiro", "Alves", "Monteiro", "Mendes", "Barros", "Freitas", "Barbosa",
	"Петров", "张", "Fonseca-Brandão", "de Sá", "van der Berg", "Ibáñez",
};
const size_t sb_nlast_names = NELEM(sb_last_names);

const struct city sb_cities[] = {
	{ "São Paulo", "SP", "01" },      { "Rio de Janeiro", "RJ", "20" }, { "Belo Horizonte", "MG", "30" },
	{ "Florianópolis", "SC", "88" },  { "Goiânia", "GO", "74" },        { "Maceió", "AL", "57" },
	{ "Niterói", "RJ", "24" },        { "Ribeirão Preto", "SP", "14" }, { "Brasília", "DF", "70" },
	{ "Curitiba", "PR", "80" },       { "Porto Alegre", "RS", "90" },   { "Recife", "PE", "50" },
	{ "Salvador", "BA", "40" },       { "Fortaleza", "CE", "60" },      { "Belém", "PA", "66" },
	{ "Manaus", "AM", "69" },         { "Vitória", "ES", "29" },        { "João Pessoa", "PB", "58" },
	{ "Cuiabá", "MT", "78" },         { "São Luís", "MA", "65" },
};
const size_t sb_ncities = NELEM(sb_cities);

const char *const sb_streets[] = {
	"Rua das Acácias", "Avenida Paulista", "Rua Três de Maio", "Alameda Santos", "Travessa São José",
	"Rua Sete de Setembro", "Avenida Atlântica", "Rua Barão de Itapetininga", "Rua da Consolação",
	"Avenida Afonso Pena", "Rua Padre Anchieta", "Rua Dom Pedro II", "Estrada do Açude",
};
const size_t sb_nstreets = NELEM(sb_streets);

const char *const sb_neighborhoods[] = {
	"Centro", "Jardim Paulista", "Copacabana", "Savassi", "Boa Viagem", "Moinhos de Vento",
	"Itaim Bibi", "Batel", "Meireles", "Ponta Verde", "Trindade", "Setor Bueno",
};
const size_t sb_nneighborhoods = NELEM(sb_neighborhoods);

/* Reserved example domains: generated people must never match real mailboxes. */
const char *const sb_email_domains[] = {
	"example.com", "example.net", "example.org", "mail.example.com", "correio.example.com.br",
};
const size_t sb_nemail_domains = NELEM(sb_email_domains);

const char *const sb_couriers[] = { "PAC Correios", "SEDEX", "Transportadora Ágil", "Loggi", "Retirada na Loja" };
const size_t sb_ncouriers = NELEM(sb_couriers);

static const char *const var_clothing[] = { "PP", "P", "M", "G", "GG", "XGG" };
static const char *const var_shoes[] = { "36", "37", "38", "39", "40", "41", "42", "43", "44" };
static const char *const var_color[] = { "Preto", "Branco", "Azul-marinho", "Vermelho", "Verde-água", "Cinza Mescla", "Rosé" };
static const char *const var_voltage[] = { "110V", "220V", "Bivolt" };
static const char *const var_volume[] = { "30 ml", "50 ml", "100 ml", "200 ml" };

const char *const *sb_variant_values(enum variant_kind kind, size_t *n)
{
	switch (kind) {
	case VAR_CLOTHING: *n = NELEM(var_clothing); return var_clothing;
	case VAR_SHOES: *n = NELEM(var_shoes); return var_shoes;
	case VAR_COLOR: *n = NELEM(var_color); return var_color;
	case VAR_VOLTAGE: *n = NELEM(var_voltage); return var_voltage;
	case VAR_VOLUME: *n = NELEM(var_volume); return var_volume;
	default: *n = 0; return NULL;
	}
}

const char *sb_variant_label(enum variant_kind kind)
{
	switch (kind) {
	case VAR_CLOTHING: return "Tamanho";
	case VAR_SHOES: return "Numeração";
	case VAR_COLOR: return "Cor";
	case VAR_VOLTAGE: return "Voltagem";
	case VAR_VOLUME: return "Volume";
	default: return NULL;
	}
}

const struct department *sb_department(int id)
{
	for (size_t i = 0; i < sb_ndepartments; i++)
		if (sb_departments[i].id == id)
			return &sb_departments[i];
	return &sb_departments[0];
}
